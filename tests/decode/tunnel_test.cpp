#include <gtest/gtest.h>

#include "sample_frames.hpp"

namespace flowfeat::test {
namespace {

namespace lt = link_type;

// Ethernet (14) + IPv4 (20) + UDP (8): where every tunnel header starts.
constexpr std::size_t kTunnelHeader = 14 + 20 + 8;

Expected inner_v4(std::size_t ip_offset, TunnelType tunnel) {
  return {.src = address(kInnerClient4),
          .dst = address(kInnerServer4),
          .src_port = 5000,
          .dst_port = 53,
          .protocol = kProtoUdp,
          .tunnel = tunnel,
          .ip_offset = ip_offset};
}
Expected inner_v6(std::size_t ip_offset, TunnelType tunnel) {
  return {.src = address(kInnerClient6),
          .dst = address(kInnerServer6),
          .src_port = 5001,
          .dst_port = 53,
          .protocol = kProtoUdp,
          .tunnel = tunnel,
          .ip_offset = ip_offset};
}
Expected outer(std::uint16_t src_port, std::uint16_t dst_port, TunnelType tunnel = TunnelType::kNone) {
  return {.src = address(kClient4),
          .dst = address(kServer4),
          .src_port = src_port,
          .dst_port = dst_port,
          .protocol = kProtoUdp,
          .tunnel = tunnel,
          .ip_offset = 14};
}

const DecoderOptions kTunnelsOff = with_quirks(0, false);

TEST(DecodeGtpU, InnerIpv4) {
  const Bytes frame = gtp_frame();
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, inner_v4(kTunnelHeader + 8, TunnelType::kGtpU)));
}

TEST(DecodeGtpU, OnlyOneSideOnPort2152) {
  const Bytes frame = over_udp4(40000, 2152, gtp_u(inner_udp4()));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, inner_v4(kTunnelHeader + 8, TunnelType::kGtpU)));
}

TEST(DecodeGtpU, SequenceNumberAddsFourBytes) {
  const Bytes frame = gtp_sequence_frame();
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, inner_v4(kTunnelHeader + 12, TunnelType::kGtpU)));
}

TEST(DecodeGtpU, ExtensionHeaderSkipped) {
  const Bytes frame = gtp_extension_frame();
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, inner_v4(kTunnelHeader + 16, TunnelType::kGtpU)));
}

TEST(DecodeGtpU, ZeroLengthExtensionLeavesTheOuterFlow) {
  const Bytes frame =
      over_udp4(2152, 2152, gtp_u(inner_udp4(), 0x34, {0x00, 0x00, 0x00, 0x85}, {0x00, 0x10, 0x05, 0x00}));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, outer(2152, 2152)));
}

TEST(DecodeGtpU, ExtensionPastTheCaptureLeavesTheOuterFlow) {
  const Bytes frame =
      over_udp4(2152, 2152, gtp_u(payload(8), 0x34, {0x00, 0x00, 0x00, 0x85}, {0x10, 0x00, 0x00, 0x00}));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, outer(2152, 2152)));
}

TEST(DecodeGtpU, InnerHeaderCut) {
  const Bytes frame = over_udp4(2152, 2152, gtp_u(Bytes{0x45, 0, 0, 40, 0, 0, 0, 0, 64, 17}));
  EXPECT_EQ(decode(lt::kEthernet, frame).status, DecodeStatus::kTruncatedHeader);
}

TEST(DecodeGtpU, InnerIpv6) {
  const Bytes frame = gtp_ipv6_frame();
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, inner_v6(kTunnelHeader + 8, TunnelType::kGtpU)));
}

TEST(DecodeGtpU, InnerNotIp) {
  EXPECT_EQ(decode(lt::kEthernet, over_udp4(2152, 2152, gtp_u(Bytes(28, 0x11)))).status, DecodeStatus::kNotIp);
}

TEST(DecodeGtpU, OtherMessageTypeIsTheOuterFlow) {
  Bytes echo = gtp_u(payload(8), 0x32, {0x00, 0x01, 0x00, 0x00});
  echo[1] = 0x01;  // echo request
  const Bytes frame = over_udp4(2152, 2152, echo);
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, outer(2152, 2152)));
}

TEST(DecodeGtpU, VersionZeroIsTheOuterFlow) {
  const Bytes frame = over_udp4(2152, 2152, gtp_u(inner_udp4(), 0x10));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, outer(2152, 2152)));
}

TEST(DecodeGtpU, OverIpv6IsNotDecapsulated) {
  // For IPv6 the reference looks for the UDP header at the end of the payload length instead of
  // right after the IPv6 header, so GTP over IPv6 stays one outer flow.
  const Bytes frame = ethernet(kEtherIpv6, ipv6(kClient6, kServer6, kProtoUdp, udp(2152, 2152, gtp_u(inner_udp4()))));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame,
                         {.src = address(kClient6),
                          .dst = address(kServer6),
                          .src_port = 2152,
                          .dst_port = 2152,
                          .protocol = kProtoUdp,
                          .ip_offset = 14}));
}

TEST(DecodeGtpU, Off) {
  const Bytes frame = gtp_frame();
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame, kTunnelsOff), frame, outer(2152, 2152)));
}

TEST(DecodeGtpU, InsideVlanAndLinuxSll) {
  const Bytes vlan =
      ethernet(kEther8021q,
               vlan_tag(300, kEtherIpv4, ipv4(kClient4, kServer4, kProtoUdp, udp(2152, 2152, gtp_u(inner_udp4())))));
  Expected expected = inner_v4(kTunnelHeader + 4 + 8, TunnelType::kGtpU);
  expected.vlan_id = 300;
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, vlan), vlan, expected));
  const Bytes sll = linux_sll(kEtherIpv4, ipv4(kClient4, kServer4, kProtoUdp, udp(2152, 2152, gtp_u(inner_udp4()))));
  EXPECT_TRUE(decoded_as(decode(lt::kLinuxSll, sll), sll, inner_v4(16 + 20 + 8 + 8, TunnelType::kGtpU)));
}

TEST(DecodeTzsp, InnerEthernetFrame) {
  const Bytes frame = tzsp_frame();
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, inner_v4(kTunnelHeader + 5 + 14, TunnelType::kTzsp)));
}

TEST(DecodeTzsp, InnerVlanTagIsKept) {
  const Bytes frame = over_udp4(33000, 37008, tzsp(ethernet(kEther8021q, vlan_tag(12, kEtherIpv4, inner_udp4()))));
  Expected expected = inner_v4(kTunnelHeader + 5 + 18, TunnelType::kTzsp);
  expected.vlan_id = 12;
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, expected));
}

TEST(DecodeTzsp, UnsupportedHeaderStillMarksTheTunnel) {
  // The reference sets the tunnel id before it checks version, type and encapsulation.
  const Bytes frame = over_udp4(33000, 37008, tzsp(ethernet(kEtherIpv4, inner_udp4()), 2));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, outer(33000, 37008, TunnelType::kTzsp)));
}

TEST(DecodeTzsp, InnerFrameTooShort) {
  const Bytes frame = over_udp4(33000, 37008, tzsp(Bytes(27, 0)));
  EXPECT_EQ(decode(lt::kEthernet, frame).status, DecodeStatus::kTooShort);
}

TEST(DecodeTzsp, InnerFrameIsReadWithTheCaptureLinkType) {
  // The reference re-enters its link-layer step with the capture's link type, whatever TZSP says.
  const Bytes raw = ipv4(kClient4, kServer4, kProtoUdp, udp(33000, 37008, tzsp(inner_udp4())));
  EXPECT_TRUE(decoded_as(decode(lt::kRaw, raw), raw, inner_v4(20 + 8 + 5, TunnelType::kTzsp)));
  const Bytes sll = linux_sll(
      kEtherIpv4, ipv4(kClient4, kServer4, kProtoUdp, udp(33000, 37008, tzsp(ethernet(kEtherIpv4, inner_udp4())))));
  EXPECT_EQ(decode(lt::kLinuxSll, sll).status, DecodeStatus::kNotIp);
}

TEST(DecodeTzsp, OnlyTheFirstTagIsSteppedOver) {
  // The reference leaves its tag loop after one turn, and steps over a tag by its length byte alone.
  const Bytes inner = ethernet(kEtherIpv4, inner_udp4());
  const Bytes tagged = over_udp4(33000, 37008, concat({{0x01, 0x00, 0x00, 0x01, 0x0a, 0x03, 0x00}, inner}));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, tagged), tagged, inner_v4(kTunnelHeader + 7 + 14, TunnelType::kTzsp)));
  // Padding then END: the Ethernet header is read one byte early.
  const Bytes padded = over_udp4(33000, 37008, concat({{0x01, 0x00, 0x00, 0x01, 0x00, 0x01}, inner}));
  EXPECT_EQ(decode(lt::kEthernet, padded).status, DecodeStatus::kNotIp);
}

TEST(DecodeTzsp, HeaderCut) {
  EXPECT_EQ(decode(lt::kEthernet, over_udp4(33000, 37008, Bytes{0x01, 0x00})).status, DecodeStatus::kTruncatedHeader);
}

TEST(DecodeTzsp, Off) {
  const Bytes frame = tzsp_frame();
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame, kTunnelsOff), frame, outer(33000, 37008)));
}

TEST(DecodeCapwap, Data) {
  const Bytes frame = capwap_frame();
  EXPECT_TRUE(
      decoded_as(decode(lt::kEthernet, frame), frame, inner_v4(kTunnelHeader + 8 + 24 + 8, TunnelType::kCapwap)));
}

TEST(DecodeCapwap, HeaderLengthFromHlen) {
  const Bytes frame = over_udp4(5247, 12222, capwap_80211(kEtherIpv4, inner_udp4(), 4));
  EXPECT_TRUE(
      decoded_as(decode(lt::kEthernet, frame), frame, inner_v4(kTunnelHeader + 16 + 24 + 8, TunnelType::kCapwap)));
}

TEST(DecodeCapwap, InnerIpv6) {
  const Bytes frame = over_udp4(12222, 5247, capwap_80211(kEtherIpv6, inner_udp6()));
  EXPECT_TRUE(
      decoded_as(decode(lt::kEthernet, frame), frame, inner_v6(kTunnelHeader + 8 + 24 + 8, TunnelType::kCapwap)));
}

TEST(DecodeCapwap, NonZeroPreambleIsTheOuterFlow) {
  Bytes capwap = capwap_80211(kEtherIpv4, inner_udp4());
  capwap[0] = 0x01;  // DTLS-encrypted
  const Bytes frame = over_udp4(12222, 5247, capwap);
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, outer(12222, 5247)));
}

TEST(DecodeCapwap, TooShortForTheWirelessHeaderIsTheOuterFlow) {
  const Bytes empty = over_udp4(12222, 5247, {});
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, empty), empty, outer(12222, 5247)));
  const Bytes short_frame = over_udp4(12222, 5247, Bytes{0x00, 0x10, 0x03, 0x00, 0, 0, 0, 0, 0x08, 0x02});
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, short_frame), short_frame, outer(12222, 5247)));
}

TEST(DecodeCapwap, Off) {
  const Bytes frame = capwap_frame();
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame, kTunnelsOff), frame, outer(12222, 5247)));
}

TEST(DecodeTunnels, GtpInsideIpInIp) {
  const Bytes frame = ethernet(
      kEtherIpv4,
      ipv4(kClient4, kServer4, kProtoIpip, ipv4(kClient4, kServer4, kProtoUdp, udp(2152, 2152, gtp_u(inner_udp4())))));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame, inner_v4(kTunnelHeader + 20 + 8, TunnelType::kGtpU)));
}

TEST(DecodeTunnels, CapwapOverRadiotap) {
  const std::vector<SampleFrame> frames = sample_frames();
  const auto it =
      std::find_if(frames.begin(), frames.end(), [](const SampleFrame& f) { return f.name == "capwap_over_radiotap"; });
  ASSERT_NE(it, frames.end());
  EXPECT_TRUE(decoded_as(decode(lt::kRadiotap, it->bytes), it->bytes,
                         inner_v6(18 + 26 + 8 + 20 + 8 + 8 + 24 + 8, TunnelType::kCapwap)));
}

TEST(DecodeTunnels, PortsOnAnotherProtocolAreNotTunnels) {
  const Bytes frame = ethernet(kEtherIpv4, ipv4(kClient4, kServer4, kProtoTcp, tcp(2152, 37008, gtp_u(inner_udp4()))));
  EXPECT_TRUE(decoded_as(decode(lt::kEthernet, frame), frame,
                         {.src = address(kClient4),
                          .dst = address(kServer4),
                          .src_port = 2152,
                          .dst_port = 37008,
                          .protocol = kProtoTcp,
                          .ip_offset = 14}));
}

}  // namespace
}  // namespace flowfeat::test
