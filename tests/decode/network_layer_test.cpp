#include <gtest/gtest.h>

#include "sample_frames.hpp"

namespace flowfeat::test {
namespace {

namespace lt = link_type;

Expected v4(std::uint8_t protocol, std::uint16_t src_port, std::uint16_t dst_port, std::size_t ip_offset = 14) {
  return {.src = address(kClient4),
          .dst = address(kServer4),
          .src_port = src_port,
          .dst_port = dst_port,
          .protocol = protocol,
          .ip_offset = ip_offset};
}
Expected v6(std::uint8_t protocol, std::uint16_t src_port, std::uint16_t dst_port, std::size_t ip_offset = 14) {
  return {.src = address(kClient6),
          .dst = address(kServer6),
          .src_port = src_port,
          .dst_port = dst_port,
          .protocol = protocol,
          .ip_offset = ip_offset};
}

Decoded decode_wire(const Bytes& frame, std::uint32_t wire_length, DecoderOptions options = {}) {
  Decoded result{};
  result.status = Decoder(options).decode(lt::kEthernet, frame.data(), static_cast<std::uint32_t>(frame.size()),
                                          wire_length, kTimeMs, result.packet);
  return result;
}

TEST(DecodeIpv4, TcpPorts) {
  const Bytes frame = ethernet(kEtherIpv4, tcp4());
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, v4(kProtoTcp, 51000, 443)));
}

TEST(DecodeIpv4, UdpPorts) {
  const Bytes frame = ethernet(kEtherIpv4, udp4());
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, v4(kProtoUdp, 40000, 53)));
}

TEST(DecodeIpv4, OptionsAreSkipped) {
  const Bytes frame = ethernet(kEtherIpv4, ipv4(Ipv4Header{kClient4, kServer4, kProtoTcp, 6}, tcp(51000, 443)));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, v4(kProtoTcp, 51000, 443)));
}

TEST(DecodeIpv4, LongestOptions) {
  const Bytes frame = ethernet(kEtherIpv4, ipv4(Ipv4Header{kClient4, kServer4, kProtoUdp, 15}, udp(1, 2)));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, v4(kProtoUdp, 1, 2)));
}

TEST(DecodeIpv4, IcmpHasNoPorts) {
  const Bytes frame = ethernet(kEtherIpv4, ipv4(kClient4, kServer4, kProtoIcmp, icmp_echo()));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, v4(kProtoIcmp, 0, 0)));
}

TEST(DecodeIpv4, OtherProtocolHasNoPorts) {
  // GRE payload starting like a UDP header must not be read as ports.
  const Bytes frame = ethernet(kEtherIpv4, ipv4(kClient4, kServer4, kProtoGre, udp(1234, 5678, payload(8))));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, v4(kProtoGre, 0, 0)));
}

TEST(DecodeIpv4, TcpShorterThanItsHeaderHasNoPorts) {
  const Bytes frame = ethernet(
      kEtherIpv4,
      ipv4(kClient4, kServer4, kProtoTcp, Bytes{0x13, 0x88, 0x01, 0xbb, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, v4(kProtoTcp, 0, 0)));
}

TEST(DecodeIpv4, TcpLengthComesFromTheIpHeaderNotTheCapture) {
  // Total length says 10 bytes of TCP; Ethernet padding behind them does not count.
  const Bytes frame = concat({ethernet(kEtherIpv4, ipv4(kClient4, kServer4, kProtoTcp, tcp(51000, 443))), Bytes(6, 0)});
  Bytes short_tcp = frame;
  short_tcp[14 + 3] = 30;  // total length 30: 20 of IP, 10 of TCP
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, short_tcp), short_tcp, v4(kProtoTcp, 0, 0)));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, v4(kProtoTcp, 51000, 443)));
}

TEST(DecodeIpv4, UdpShorterThanItsHeaderHasNoPorts) {
  const Bytes frame = ethernet(kEtherIpv4, ipv4(kClient4, kServer4, kProtoUdp, Bytes{0x13, 0x88, 0x00, 0x35, 0, 0, 0}));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame, with_quirks(0, false)), frame, v4(kProtoUdp, 0, 0)));
  // Looking for a tunnel needs 8 captured UDP bytes; the reference drops the packet without them.
  EXPECT_EQ(decode(lt::kEthernet, frame).status, DecodeStatus::kTruncatedHeader);
  // Ethernet padding is enough to look, and the IP length still says "no ports".
  const Bytes padded = concat({frame, Bytes(5, 0)});
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, padded), padded, v4(kProtoUdp, 0, 0)));
}

TEST(DecodeIpv4, NonFirstFragmentIgnored) {
  EXPECT_EQ(decode(lt::kEthernet, ethernet(kEtherIpv4, udp4_fragment(185, false))).status,
            DecodeStatus::kNonFirstFragment);
  EXPECT_EQ(decode(lt::kEthernet, ethernet(kEtherIpv4, udp4_fragment(1, true))).status,
            DecodeStatus::kNonFirstFragment);
}

TEST(DecodeIpv4, FirstFragmentAccepted) {
  const Bytes frame = ethernet(kEtherIpv4, udp4_fragment(0, true));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, v4(kProtoUdp, 40000, 53)));
}

TEST(DecodeIpv4, DontFragmentBitIsNotAFragment) {
  const Bytes frame = ethernet(kEtherIpv4, ipv4(Ipv4Header{kClient4, kServer4, kProtoUdp, 5, 0x4000}, udp(7, 9)));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, v4(kProtoUdp, 7, 9)));
}

TEST(DecodeIpv4, FrameShorterThanTwentyEightBytes) {
  // "Link offset" is where the link header starts (0 outside tunnels), not its length.
  const Bytes frame = ethernet(kEtherIpv4, udp4());
  EXPECT_EQ(decode(lt::kEthernet, Bytes(frame.begin(), frame.begin() + 27)).status, DecodeStatus::kTooShort);
  EXPECT_EQ(decode(lt::kEthernet, Bytes(frame.begin(), frame.begin() + 28)).status, DecodeStatus::kTruncatedHeader);
  const Bytes raw = ipv4(kClient4, kServer4, kProtoUdp, udp(1, 2));
  ASSERT_EQ(raw.size(), 28u);
  EXPECT_EQ(decode(lt::kRaw, Bytes(raw.begin(), raw.end() - 1)).status, DecodeStatus::kTooShort);
  EXPECT_TRUE(decoded_as(decode(lt::kRaw, raw), raw, v4(kProtoUdp, 1, 2, 0)));
}

TEST(DecodeIpv4, IpHeaderCutByTheCapture) {
  const Bytes frame = ethernet(kEtherIpv4, udp4());
  EXPECT_EQ(decode(lt::kEthernet, Bytes(frame.begin(), frame.begin() + 33)).status, DecodeStatus::kTruncatedHeader);
}

TEST(DecodeIpv4, TransportBeyondCapture) {
  Bytes frame = ethernet(kEtherIpv4, ipv4(Ipv4Header{kClient4, kServer4, kProtoTcp, 15}, tcp(51000, 443)));
  frame.resize(14 + 60 + 2);  // two bytes of the TCP header captured
  EXPECT_EQ(decode(lt::kEthernet, frame).status, DecodeStatus::kTruncatedTransport);
}

TEST(DecodeIpv4, SnaplenCaptureKeepsPortsAndWireLength) {
  const Bytes full = ethernet(kEtherIpv4, tcp4());
  const Bytes frame(full.begin(), full.begin() + 54);  // headers only
  const auto result = decode_wire(frame, static_cast<std::uint32_t>(full.size()));
  ASSERT_EQ(result.status, DecodeStatus::kOk);
  EXPECT_EQ(result.packet.src_port, 51000);
  EXPECT_EQ(result.packet.dst_port, 443);
  EXPECT_EQ(result.packet.wire_length, full.size());
  EXPECT_EQ(result.packet.ip_captured_length, 40);
}

TEST(DecodeIpv4, HeaderLongerThanCapture) {
  Bytes frame = ethernet(kEtherIpv4, ipv4(Ipv4Header{kClient4, kServer4, kProtoTcp, 15}, tcp(51000, 443)));
  frame.resize(14 + 40);
  EXPECT_EQ(decode(lt::kEthernet, frame).status, DecodeStatus::kBadIpHeader);
}

TEST(DecodeIpv4, TotalLengthShorterThanHeader) {
  const Bytes frame = ethernet(kEtherIpv4, ipv4(Ipv4Header{kClient4, kServer4, kProtoUdp, 5, 0, 10}, udp(1, 2)));
  EXPECT_EQ(decode(lt::kEthernet, frame).status, DecodeStatus::kBadIpHeader);
}

TEST(DecodeIpv4, WireLengthAbove65535) {
  const Bytes frame = ethernet(kEtherIpv4, udp4());
  const auto kept = decode_wire(frame, 70'000);
  ASSERT_EQ(kept.status, DecodeStatus::kOk);
  EXPECT_EQ(kept.packet.wire_length, 70'000u);
  const auto wrapped = decode_wire(frame, 70'000, with_quirks(kQuirkSixteenBitSizes));
  ASSERT_EQ(wrapped.status, DecodeStatus::kOk);
  EXPECT_EQ(wrapped.packet.wire_length, 70'000u - 65'536u);
}

TEST(DecodeIpv4, CapturedLengthAbove65535) {
  // A jumbo capture (e.g. from GRO/TSO offload): the IP byte count saturates, or wraps with the quirk.
  Bytes frame = ethernet(kEtherIpv4, udp4());
  frame.resize(70'014, 0);
  const auto kept = decode_wire(frame, 70'014);
  ASSERT_EQ(kept.status, DecodeStatus::kOk);
  EXPECT_EQ(kept.packet.ip_captured_length, 65'535);
  EXPECT_EQ(kept.packet.wire_length, 70'014u);
  const auto wrapped = decode_wire(frame, 70'014, with_quirks(kQuirkSixteenBitSizes));
  ASSERT_EQ(wrapped.status, DecodeStatus::kOk);
  EXPECT_EQ(wrapped.packet.ip_captured_length, 70'000 - 65'536);
  EXPECT_EQ(wrapped.packet.wire_length, 70'014u - 65'536u);
  EXPECT_EQ(wrapped.packet.src_port, 40000);
}

TEST(DecodeIpv6, Tcp) {
  const Bytes frame = ethernet(kEtherIpv6, tcp6());
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, v6(kProtoTcp, 51001, 443)));
}

TEST(DecodeIpv6, Udp) {
  const Bytes frame = ethernet(kEtherIpv6, udp6());
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, v6(kProtoUdp, 40001, 53)));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame, with_quirks(0, false)), frame, v6(kProtoUdp, 40001, 53)));
}

TEST(DecodeIpv6, HopByHopThenTcp) {
  const Bytes frame =
      ethernet(kEtherIpv6, ipv6(kClient6, kServer6, kIpv6HopByHop, ipv6_options(kProtoTcp, 0, tcp(51001, 443))));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, v6(kProtoTcp, 51001, 443)));
}

TEST(DecodeIpv6, ChainOfExtensionHeaders) {
  // Hop-by-hop (16 bytes), destination options (8), routing (24), then UDP.
  const Bytes chain = ipv6_options(60, 1, ipv6_options(43, 0, ipv6_options(kProtoUdp, 2, udp(40001, 53, payload(4)))));
  const Bytes frame = ethernet(kEtherIpv6, ipv6(kClient6, kServer6, kIpv6HopByHop, chain));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, v6(kProtoUdp, 40001, 53)));
}

TEST(DecodeIpv6, ExtensionHeaderRunningPastThePayload) {
  Bytes extension = ipv6_options(kProtoTcp, 5, {});  // claims 48 bytes
  extension.resize(16);
  const Bytes frame = ethernet(kEtherIpv6, ipv6(kClient6, kServer6, kIpv6HopByHop, extension));
  EXPECT_EQ(decode(lt::kEthernet, frame).status, DecodeStatus::kIpv6BadExtensionHeader);
}

TEST(DecodeIpv6, FirstFragmentAccepted) {
  const Bytes frame = ethernet(kEtherIpv6, ipv6(kClient6, kServer6, kIpv6Fragment,
                                                ipv6_fragment(kProtoUdp, 0, true, udp(40001, 53, payload(16)))));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, v6(kProtoUdp, 40001, 53)));
}

TEST(DecodeIpv6, AtomicFragmentAccepted) {
  const Bytes frame = ethernet(
      kEtherIpv6, ipv6(kClient6, kServer6, kIpv6Fragment, ipv6_fragment(kProtoTcp, 0, false, tcp(51001, 443))));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, v6(kProtoTcp, 51001, 443)));
}

TEST(DecodeIpv6, FragmentHeaderLongerThanThePayload) {
  const Bytes frame = ethernet(kEtherIpv6, ipv6(kClient6, kServer6, kIpv6Fragment, Bytes{kProtoUdp, 0, 0, 0}));
  EXPECT_EQ(decode(lt::kEthernet, frame).status, DecodeStatus::kIpv6BadExtensionHeader);
}

TEST(DecodeIpv6, MobilityHeaderSkipped) {
  const Bytes frame = ethernet(kEtherIpv6, ipv6(kClient6, kServer6, 135, ipv6_options(kProtoTcp, 1, tcp(51001, 443))));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, v6(kProtoTcp, 51001, 443)));
}

TEST(DecodeIpv6, NonFirstFragmentIgnored) {
  const Bytes frame =
      ethernet(kEtherIpv6, ipv6(kClient6, kServer6, kIpv6Fragment, ipv6_fragment(kProtoUdp, 3, true, payload(24))));
  EXPECT_EQ(decode(lt::kEthernet, frame).status, DecodeStatus::kNonFirstFragment);
}

TEST(DecodeIpv6, NoNextHeaderIgnored) {
  const Bytes frame = ethernet(kEtherIpv6, ipv6(kClient6, kServer6, kIpv6NoNext, payload(8)));
  EXPECT_EQ(decode(lt::kEthernet, frame).status, DecodeStatus::kIpv6NoNextHeader);
}

TEST(DecodeIpv6, NoNextHeaderAfterAnExtension) {
  const Bytes frame =
      ethernet(kEtherIpv6, ipv6(kClient6, kServer6, kIpv6HopByHop, ipv6_options(kIpv6NoNext, 0, payload(8))));
  EXPECT_EQ(decode(lt::kEthernet, frame).status, DecodeStatus::kIpv6NoNextHeader);
}

TEST(DecodeIpv6, NoNextHeaderWithNothingBehindIsKept) {
  // The reference walks extension headers only while more than one byte follows the fixed header,
  // so a bare "no next header" packet becomes a protocol-59 flow.
  const Bytes frame = ipv6(kClient6, kServer6, kIpv6NoNext, {});
  EXPECT_TRUE(decoded_as(decode(lt::kRaw, frame), frame, v6(kIpv6NoNext, 0, 0, 0)));
}

TEST(DecodeIpv6, PayloadLengthBeyondCapture) {
  const Bytes frame = ethernet(kEtherIpv6, ipv6(Ipv6Header{kClient6, kServer6, kProtoUdp, 200}, udp(40001, 53)));
  EXPECT_EQ(decode(lt::kEthernet, frame).status, DecodeStatus::kIpv6PayloadBeyondCapture);
}

TEST(DecodeIpv6, PaddingAfterThePayloadIsFine) {
  const Bytes frame = concat({ethernet(kEtherIpv6, ipv6(kClient6, kServer6, kProtoUdp, udp(40001, 53))), Bytes(6, 0)});
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, v6(kProtoUdp, 40001, 53)));
}

TEST(DecodeIpv6, HeaderCutByTheCapture) {
  const Bytes frame = ethernet(kEtherIpv6, udp6());
  EXPECT_EQ(decode(lt::kEthernet, Bytes(frame.begin(), frame.begin() + 50)).status, DecodeStatus::kTruncatedHeader);
}

TEST(DecodeIpv6, Icmpv6HasNoPorts) {
  const Bytes frame = ethernet(kEtherIpv6, ipv6(kClient6, kServer6, kProtoIcmpv6, icmp_echo(128)));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, v6(kProtoIcmpv6, 0, 0)));
}

Expected inner_v4(std::size_t ip_offset) {
  return {.src = address(kInnerClient4),
          .dst = address(kInnerServer4),
          .src_port = 5000,
          .dst_port = 53,
          .protocol = kProtoUdp,
          .ip_offset = ip_offset};
}
Expected inner_v6(std::size_t ip_offset) {
  return {.src = address(kInnerClient6),
          .dst = address(kInnerServer6),
          .src_port = 5001,
          .dst_port = 53,
          .protocol = kProtoUdp,
          .ip_offset = ip_offset};
}

TEST(DecodeIpInIp, Ipv4InIpv4) {
  const Bytes frame = ethernet(kEtherIpv4, ipv4(kClient4, kServer4, kProtoIpip, inner_udp4()));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, inner_v4(34)));
}

TEST(DecodeIpInIp, Ipv6InIpv4) {
  const Bytes frame = ethernet(kEtherIpv4, ipv4(kClient4, kServer4, kProtoIpv6, inner_udp6()));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, inner_v6(34)));
}

TEST(DecodeIpInIp, Ipv4InIpv6) {
  const Bytes frame = ethernet(kEtherIpv6, ipv6(kClient6, kServer6, kProtoIpip, inner_udp4()));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, inner_v4(54)));
}

TEST(DecodeIpInIp, Ipv6InIpv6AfterAnExtensionHeader) {
  const Bytes frame =
      ethernet(kEtherIpv6, ipv6(kClient6, kServer6, kIpv6HopByHop, ipv6_options(kProtoIpv6, 0, inner_udp6())));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, inner_v6(62)));
}

TEST(DecodeIpInIp, FollowedWithTunnelDecodingOff) {
  const Bytes frame = ethernet(kEtherIpv4, ipv4(kClient4, kServer4, kProtoIpip, inner_udp4()));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame, with_quirks(0, false)), frame, inner_v4(34)));
}

TEST(DecodeIpInIp, InnerFragmentFilter) {
  const Bytes frame = ethernet(kEtherIpv4, ipv4(kClient4, kServer4, kProtoIpip, udp4_fragment(185, false)));
  EXPECT_EQ(decode(lt::kEthernet, frame).status, DecodeStatus::kNonFirstFragment);
}

TEST(DecodeIpInIp, InnerNotIp) {
  const Bytes frame = ethernet(kEtherIpv4, ipv4(kClient4, kServer4, kProtoIpip, Bytes(24, 0)));
  EXPECT_EQ(decode(lt::kEthernet, frame).status, DecodeStatus::kNotIp);
}

TEST(DecodeIpInIp, SeveralLevels) {
  Bytes packet = inner_udp4();
  for (int i = 0; i < 5; ++i) packet = ipv4(kClient4, kServer4, kProtoIpip, packet);
  const Bytes frame = ethernet(kEtherIpv4, packet);
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, inner_v4(14 + 5 * 20)));
}

TEST(DecodeIpInIp, EndlessNestingStops) {
  Bytes packet = inner_udp4();
  for (int i = 0; i < 40; ++i) packet = ipv4(kClient4, kServer4, kProtoIpip, packet);
  EXPECT_EQ(decode(lt::kEthernet, ethernet(kEtherIpv4, packet)).status, DecodeStatus::kTooManyEncapsulations);
}

}  // namespace
}  // namespace flowfeat::test
