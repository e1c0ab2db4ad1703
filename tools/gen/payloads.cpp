#include "payloads.hpp"

#include <algorithm>
#include <array>
#include <ctime>
#include <stdexcept>

namespace flowfeat::gen::payloads {
namespace {

void put8(std::string& s, std::uint32_t v) { s.push_back(static_cast<char>(v & 0xffu)); }
void put16(std::string& s, std::uint32_t v) {
  put8(s, v >> 8);
  put8(s, v);
}
void put24(std::string& s, std::uint32_t v) {
  put8(s, v >> 16);
  put16(s, v & 0xffffu);
}
void put32(std::string& s, std::uint32_t v) {
  put16(s, v >> 16);
  put16(s, v & 0xffffu);
}
void put_random(std::string& s, Random& random, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) put8(s, static_cast<std::uint32_t>(random.bits()));
}

// Overwrites the big-endian length field of `width` bytes at `at` with the bytes that follow it.
void patch_length(std::string& s, std::size_t at, int width) {
  const std::size_t length = s.size() - at - static_cast<std::size_t>(width);
  for (int i = width - 1, shift = 0; i >= 0; --i, shift += 8)
    s[at + static_cast<std::size_t>(i)] = static_cast<char>((length >> shift) & 0xffu);
}

// Starts a length-prefixed block; returns the position to hand to patch_length at its end.
std::size_t open_block(std::string& s, int width) {
  const std::size_t at = s.size();
  s.append(static_cast<std::size_t>(width), '\0');
  return at;
}

void tls_extension(std::string& s, std::uint16_t type, std::string_view body) {
  put16(s, type);
  put16(s, static_cast<std::uint32_t>(body.size()));
  s.append(body);
}

// Encodes a dotted name as DNS labels.
void put_dns_name(std::string& s, std::string_view name) {
  while (!name.empty()) {
    const std::size_t dot = name.find('.');
    const std::string_view label = name.substr(0, dot);
    if (label.empty() || label.size() > 63) throw std::invalid_argument("bad DNS name");
    put8(s, static_cast<std::uint32_t>(label.size()));
    s.append(label);
    name = dot == std::string_view::npos ? std::string_view{} : name.substr(dot + 1);
  }
  put8(s, 0);
}

void put_ssh_string(std::string& s, std::string_view text) {
  put32(s, static_cast<std::uint32_t>(text.size()));
  s.append(text);
}

// RFC 4253 binary packet before encryption: length, padding length, payload, 4 to 11 bytes of
// padding up to a multiple of 8.
Message ssh_binary_packet(std::string_view payload) {
  std::size_t padding = 8 - (payload.size() + 5) % 8;
  if (padding < 4) padding += 8;
  std::string packet;
  put32(packet, static_cast<std::uint32_t>(payload.size() + padding + 1));
  put8(packet, static_cast<std::uint32_t>(padding));
  packet.append(payload);
  packet.append(padding, '\0');
  return Message(packet);
}

constexpr std::uint16_t kDnsA = 1;
constexpr std::uint16_t kDnsCname = 5;
constexpr std::uint16_t kDnsSoa = 6;
constexpr std::uint16_t kDnsOpt = 41;
constexpr std::size_t kDnsHeaderLength = 12;

// EDNS(0) OPT pseudo-record announcing a 1232-byte UDP payload, as current resolvers send.
void put_dns_edns(std::string& s) {
  put8(s, 0);
  put16(s, kDnsOpt);
  put16(s, 1232);
  put32(s, 0);
  put16(s, 0);
}

constexpr std::uint64_t kNtpEpochOffset = 2208988800u;  // seconds from 1900 to 1970

void put_ntp_time(std::string& s, std::int64_t unix_us) {
  if (unix_us <= 0) {
    put32(s, 0);
    put32(s, 0);
    return;
  }
  const auto us = static_cast<std::uint64_t>(unix_us);
  put32(s, static_cast<std::uint32_t>(us / 1'000'000 + kNtpEpochOffset));
  put32(s, static_cast<std::uint32_t>(((us % 1'000'000) << 32) / 1'000'000));
}

}  // namespace

std::string ipv4_text(std::uint32_t ip) {
  return std::to_string(ip >> 24) + "." + std::to_string((ip >> 16) & 0xffu) + "." + std::to_string((ip >> 8) & 0xffu) +
         "." + std::to_string(ip & 0xffu);
}

Message http_request(std::string_view method, std::string_view host, std::string_view path, std::string_view user_agent,
                     std::size_t body_length) {
  std::string head;
  head.append(method).append(" ").append(path).append(" HTTP/1.1\r\nHost: ").append(host);
  head.append("\r\nUser-Agent: ").append(user_agent);
  head.append("\r\nAccept: */*\r\nAccept-Encoding: gzip, deflate\r\nConnection: keep-alive\r\n");
  if (body_length > 0) {
    head.append("Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ");
    head.append(std::to_string(body_length)).append("\r\n");
  }
  head.append("\r\n");
  Message m(head);
  m.add_filler(body_length, Message::Filler::kText);
  return m;
}

Message http_response(std::string_view status, std::string_view content_type, std::size_t body_length,
                      std::int64_t unix_s) {
  // RFC 9110 IMF-fixdate; strftime in the default "C" locale gives the English names.
  const std::time_t seconds = static_cast<std::time_t>(unix_s);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char date[40];
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &utc);
  std::string head = "HTTP/1.1 ";
  head.append(status).append("\r\nServer: nginx/1.22.1\r\nDate: ").append(date).append("\r\nContent-Type: ");
  head.append(content_type).append("\r\nContent-Length: ").append(std::to_string(body_length));
  head.append("\r\nConnection: keep-alive\r\nCache-Control: max-age=600\r\n\r\n");
  Message m(head);
  const bool text = content_type.starts_with("text/") || content_type.find("json") != std::string_view::npos ||
                    content_type.find("javascript") != std::string_view::npos;
  m.add_filler(body_length, text ? Message::Filler::kText : Message::Filler::kBinary);
  return m;
}

std::string tls_client_hello(Random& random, std::string_view server_name) {
  std::string hello;
  put16(hello, 0x0303);  // legacy_version TLS 1.2
  put_random(hello, random, 32);
  put8(hello, 32);  // legacy_session_id, as TLS 1.3 middlebox compatibility mode sends
  put_random(hello, random, 32);
  static constexpr std::array<std::uint16_t, 15> kSuites{0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9,
                                                         0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035};
  put16(hello, static_cast<std::uint32_t>(kSuites.size() * 2));
  for (std::uint16_t suite : kSuites) put16(hello, suite);
  put8(hello, 1);  // compression methods: null only
  put8(hello, 0);

  std::string ext;
  {
    std::string sni;
    const std::size_t list = open_block(sni, 2);
    put8(sni, 0);  // host_name
    put16(sni, static_cast<std::uint32_t>(server_name.size()));
    sni.append(server_name);
    patch_length(sni, list, 2);
    tls_extension(ext, 0x0000, sni);
  }
  tls_extension(ext, 0x0017, {});                                                       // extended_master_secret
  tls_extension(ext, 0xff01, std::string_view("\x00", 1));                              // renegotiation_info
  tls_extension(ext, 0x000a, std::string_view("\x00\x06\x00\x1d\x00\x17\x00\x18", 8));  // x25519, P-256, P-384
  tls_extension(ext, 0x000b, std::string_view("\x01\x00", 2));                     // ec_point_formats: uncompressed
  tls_extension(ext, 0x0023, {});                                                  // session_ticket
  tls_extension(ext, 0x0010, std::string_view("\x00\x0c\x02h2\x08http/1.1", 14));  // ALPN
  tls_extension(ext, 0x0005, std::string_view("\x01\x00\x00\x00\x00", 5));         // status_request (OCSP)
  tls_extension(ext, 0x000d,
                std::string_view("\x00\x10\x04\x03\x08\x04\x04\x01\x05\x03\x08\x05\x05\x01\x08\x06\x06\x01", 18));
  {
    std::string key_share;
    put16(key_share, 36);
    put16(key_share, 0x001d);
    put16(key_share, 32);
    put_random(key_share, random, 32);
    tls_extension(ext, 0x0033, key_share);
  }
  tls_extension(ext, 0x002b, std::string_view("\x04\x03\x04\x03\x03", 5));  // supported_versions 1.3, 1.2
  tls_extension(ext, 0x002d, std::string_view("\x01\x01", 2));              // psk_key_exchange_modes: psk_dhe_ke
  put16(hello, static_cast<std::uint32_t>(ext.size()));
  hello.append(ext);

  std::string record;
  put8(record, 0x16);  // handshake
  put16(record, 0x0301);
  put16(record, static_cast<std::uint32_t>(hello.size() + 4));
  put8(record, 0x01);  // client_hello
  put24(record, static_cast<std::uint32_t>(hello.size()));
  record.append(hello);
  return record;
}

Message tls_server_flight(Random& random, std::size_t encrypted_length) {
  std::string hello;
  put16(hello, 0x0303);
  put_random(hello, random, 32);
  put8(hello, 32);
  put_random(hello, random, 32);
  put16(hello, 0x1301);  // TLS_AES_128_GCM_SHA256
  put8(hello, 0);
  std::string ext;
  tls_extension(ext, 0x002b, std::string_view("\x03\x04", 2));
  {
    std::string key_share;
    put16(key_share, 0x001d);
    put16(key_share, 32);
    put_random(key_share, random, 32);
    tls_extension(ext, 0x0033, key_share);
  }
  put16(hello, static_cast<std::uint32_t>(ext.size()));
  hello.append(ext);

  std::string records;
  put8(records, 0x16);
  put16(records, 0x0303);
  put16(records, static_cast<std::uint32_t>(hello.size() + 4));
  put8(records, 0x02);  // server_hello
  put24(records, static_cast<std::uint32_t>(hello.size()));
  records.append(hello);
  records.append("\x14\x03\x03\x00\x01\x01", 6);  // change_cipher_spec
  Message m(records);
  add_tls_application_data(m, encrypted_length);
  return m;
}

Message tls_client_finish(std::size_t request_length) {
  Message m(std::string_view("\x14\x03\x03\x00\x01\x01", 6));
  add_tls_application_data(m, 53);  // Finished: 32-byte verify_data, header, tag
  add_tls_application_data(m, request_length);
  return m;
}

void add_tls_application_data(Message& m, std::size_t length) {
  constexpr std::size_t kMaxRecord = 16384 + 17;  // full plaintext record, content type and AEAD tag
  while (length > 0) {
    const std::size_t n = std::min(length, kMaxRecord);
    std::string header;
    put8(header, 0x17);
    put16(header, 0x0303);
    put16(header, static_cast<std::uint32_t>(n));
    m.add(header);
    m.add_filler(n, Message::Filler::kBinary);
    length -= n;
  }
}

Message tls_application_data(std::size_t length) {
  Message m;
  add_tls_application_data(m, length);
  return m;
}

Message tls_close_notify() { return tls_application_data(19); }  // encrypted alert

std::string ssh_banner(bool server, Random& random) {
  if (server) return "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u2\r\n";
  static constexpr std::array<std::string_view, 3> kClients{
      "SSH-2.0-OpenSSH_9.6\r\n", "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6\r\n", "SSH-2.0-PuTTY_Release_0.80\r\n"};
  return std::string(random.pick(kClients));
}

Message ssh_key_exchange_init(Random& random, bool server) {
  static constexpr std::array<std::string_view, 10> kLists{
      "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,diffie-hellman-group16-sha512",
      "ssh-ed25519,ecdsa-sha2-nistp256,rsa-sha2-512,rsa-sha2-256",
      "chacha20-poly1305@openssh.com,aes128-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com",
      "chacha20-poly1305@openssh.com,aes128-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com",
      "umac-64-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com",
      "umac-64-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com",
      "none,zlib@openssh.com",
      "none,zlib@openssh.com",
      "",
      ""};
  std::string payload;
  put8(payload, 20);  // SSH_MSG_KEXINIT
  put_random(payload, random, 16);
  for (std::size_t i = 0; i < kLists.size(); ++i) {
    std::string_view list = kLists[i];
    std::string with_marker;
    if (i == 0) {
      with_marker =
          std::string(list) + (server ? ",kex-strict-s-v00@openssh.com" : ",ext-info-c,kex-strict-c-v00@openssh.com");
      list = with_marker;
    }
    put32(payload, static_cast<std::uint32_t>(list.size()));
    payload.append(list);
  }
  put8(payload, 0);   // first_kex_packet_follows
  put32(payload, 0);  // reserved
  return ssh_binary_packet(payload);
}

Message ssh_ecdh_init(Random& random) {
  std::string payload;
  put8(payload, 30);  // SSH_MSG_KEX_ECDH_INIT
  put32(payload, 32);
  put_random(payload, random, 32);
  return ssh_binary_packet(payload);
}

Message ssh_ecdh_reply(Random& random) {
  std::string payload;
  put8(payload, 31);   // SSH_MSG_KEX_ECDH_REPLY
  put32(payload, 51);  // host key blob
  put_ssh_string(payload, "ssh-ed25519");
  put32(payload, 32);
  put_random(payload, random, 32);
  put32(payload, 32);  // server's ephemeral key
  put_random(payload, random, 32);
  put32(payload, 83);  // signature blob
  put_ssh_string(payload, "ssh-ed25519");
  put32(payload, 64);
  put_random(payload, random, 64);
  return ssh_binary_packet(payload);
}

Message ssh_new_keys() { return ssh_binary_packet(std::string(1, '\x15')); }  // SSH_MSG_NEWKEYS

Message ssh_encrypted(std::size_t count, std::size_t payload_length) {
  Message m;
  m.add_filler(count * payload_length, Message::Filler::kBinary);
  return m;
}

std::string dns_query(std::uint16_t id, std::string_view name, std::uint16_t qtype) {
  std::string s;
  put16(s, id);
  put16(s, 0x0100);  // standard query, recursion desired
  put16(s, 1);
  put16(s, 0);
  put16(s, 0);
  put16(s, 1);
  put_dns_name(s, name);
  put16(s, qtype);
  put16(s, 1);  // IN
  put_dns_edns(s);
  return s;
}

std::string dns_response(std::uint16_t id, std::string_view name, std::uint16_t qtype, std::string_view cname,
                         std::span<const std::uint8_t> addresses, std::uint32_t ttl) {
  const std::size_t address_length = qtype == kDnsA ? 4 : 16;
  const std::size_t answers = addresses.size() / address_length;
  const bool nxdomain = answers == 0;
  std::string s;
  put16(s, id);
  put16(s, nxdomain ? 0x8183u : 0x8180u);
  put16(s, 1);
  put16(s, static_cast<std::uint32_t>(answers + (cname.empty() || nxdomain ? 0 : 1)));
  put16(s, nxdomain ? 1 : 0);
  put16(s, 1);
  put_dns_name(s, name);
  put16(s, qtype);
  put16(s, 1);

  std::uint32_t owner = 0xc000 | kDnsHeaderLength;  // compression pointer to the question name
  if (nxdomain) {
    // SOA of the zone: the question name's last two labels.
    std::size_t zone = name.size();
    for (int dots = 0; zone > 0; --zone) {
      if (name[zone - 1] == '.' && ++dots == 2) break;
    }
    put16(s, 0xc000u | static_cast<std::uint32_t>(kDnsHeaderLength + zone));
    put16(s, kDnsSoa);
    put16(s, 1);
    put32(s, 900);
    const std::size_t length_at = open_block(s, 2);
    put_dns_name(s, "ns1." + std::string(name.substr(zone)));
    put_dns_name(s, "hostmaster." + std::string(name.substr(zone)));
    put32(s, 2023111401);
    put32(s, 7200);
    put32(s, 3600);
    put32(s, 1209600);
    put32(s, 900);
    patch_length(s, length_at, 2);
  } else {
    if (!cname.empty()) {
      put16(s, owner);
      put16(s, kDnsCname);
      put16(s, 1);
      put32(s, ttl);
      const std::size_t length_at = open_block(s, 2);
      owner = 0xc000u | static_cast<std::uint32_t>(s.size());
      put_dns_name(s, cname);
      patch_length(s, length_at, 2);
    }
    for (std::size_t i = 0; i < answers; ++i) {
      put16(s, owner);
      put16(s, qtype);
      put16(s, 1);
      put32(s, ttl);
      put16(s, static_cast<std::uint32_t>(address_length));
      s.append(reinterpret_cast<const char*>(addresses.data() + i * address_length), address_length);
    }
  }
  put_dns_edns(s);
  return s;
}

std::string ntp_request(std::int64_t transmit_unix_us) {
  std::string s;
  put8(s, 0x23);  // LI 0, version 4, mode 3 (client)
  put8(s, 0);
  put8(s, 6);     // poll 2^6 s
  put8(s, 0xe9);  // precision 2^-23 s
  put32(s, 0);
  put32(s, 0);
  put32(s, 0);
  put_ntp_time(s, 0);
  put_ntp_time(s, 0);
  put_ntp_time(s, 0);
  put_ntp_time(s, transmit_unix_us);
  return s;
}

std::string ntp_reply(std::int64_t origin_unix_us, std::int64_t receive_unix_us, std::int64_t transmit_unix_us,
                      std::uint32_t reference_id) {
  std::string s;
  put8(s, 0x24);  // LI 0, version 4, mode 4 (server)
  put8(s, 2);     // stratum
  put8(s, 6);
  put8(s, 0xe7);
  put32(s, 0x00000150);  // root delay
  put32(s, 0x00000360);  // root dispersion
  put32(s, reference_id);
  put_ntp_time(s, receive_unix_us - 37'000'000);
  put_ntp_time(s, origin_unix_us);
  put_ntp_time(s, receive_unix_us);
  put_ntp_time(s, transmit_unix_us);
  return s;
}

std::string ssdp_notify(std::uint32_t device_ip, std::string_view uuid, std::string_view notification_type) {
  std::string s = "NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nCACHE-CONTROL: max-age=1800\r\nLOCATION: http://";
  s.append(ipv4_text(device_ip)).append(":49152/description.xml\r\nNT: ").append(notification_type);
  s.append("\r\nNTS: ssdp:alive\r\nSERVER: Linux/5.10 UPnP/1.0 MediaRenderer/1.0\r\nUSN: uuid:").append(uuid);
  // The device's own uuid announcement has the bare uuid as USN; the others append the type.
  if (!notification_type.starts_with("uuid:")) s.append("::").append(notification_type);
  s.append("\r\n\r\n");
  return s;
}

std::string ssdp_search(std::string_view search_target) {
  std::string s = "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 2\r\nST: ";
  s.append(search_target).append("\r\nUSER-AGENT: Windows/10.0 UPnP/1.1 Player/12.0\r\n\r\n");
  return s;
}

std::string ping_data(std::int64_t unix_us) {
  std::string s;
  const auto sec = static_cast<std::uint64_t>(unix_us / 1'000'000);
  const auto usec = static_cast<std::uint64_t>(unix_us % 1'000'000);
  for (int i = 0; i < 8; ++i) put8(s, static_cast<std::uint32_t>(sec >> (8 * i)));  // little-endian timeval
  for (int i = 0; i < 8; ++i) put8(s, static_cast<std::uint32_t>(usec >> (8 * i)));
  for (std::uint32_t i = 16; i < 56; ++i) put8(s, i);
  return s;
}

}  // namespace flowfeat::gen::payloads
