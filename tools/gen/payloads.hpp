#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "message.hpp"
#include "random.hpp"

// Application payloads in their real wire formats, so that a DPI engine or tshark recognises the
// protocol: HTTP/1.1, TLS 1.3 handshakes, SSH, SMTP, DNS, NTP, SSDP and ICMP echo data.
namespace flowfeat::gen::payloads {

Message http_request(std::string_view method, std::string_view host, std::string_view path, std::string_view user_agent,
                     std::size_t body_length);
Message http_response(std::string_view status, std::string_view content_type, std::size_t body_length,
                      std::int64_t unix_s);

std::string tls_client_hello(Random& random, std::string_view server_name);
// ServerHello, ChangeCipherSpec and the encrypted rest of the server's handshake (certificates
// and the like) in encrypted_length bytes of application-data records.
Message tls_server_flight(Random& random, std::size_t encrypted_length);
// The client's ChangeCipherSpec and encrypted Finished, optionally followed by a first request.
Message tls_client_finish(std::size_t request_length);
// Application data split into TLS records; length counts the record payloads only.
Message tls_application_data(std::size_t length);
void add_tls_application_data(Message& message, std::size_t length);
Message tls_close_notify();

std::string ssh_banner(bool server, Random& random);
Message ssh_key_exchange_init(Random& random, bool server);
// Unencrypted key-exchange packets: curve25519 ECDH init and reply (ed25519 host key), NEWKEYS.
Message ssh_ecdh_init(Random& random);
Message ssh_ecdh_reply(Random& random);
Message ssh_new_keys();
// count encrypted SSH packets of payload_length bytes each (length, padding and MAC included).
Message ssh_encrypted(std::size_t count, std::size_t payload_length);

std::string dns_query(std::uint16_t id, std::string_view name, std::uint16_t qtype);
// A response to dns_query(id, name, qtype): the addresses in `addresses` (4 bytes each for A,
// 16 for AAAA), optionally behind a CNAME; an empty address list gives NXDOMAIN with the zone's SOA.
std::string dns_response(std::uint16_t id, std::string_view name, std::uint16_t qtype, std::string_view cname,
                         std::span<const std::uint8_t> addresses, std::uint32_t ttl);

// NTPv4 client request (mode 3) and server reply (mode 4); times in microseconds since 1970.
std::string ntp_request(std::int64_t transmit_unix_us);
std::string ntp_reply(std::int64_t origin_unix_us, std::int64_t receive_unix_us, std::int64_t transmit_unix_us,
                      std::uint32_t reference_id);

std::string ssdp_notify(std::uint32_t device_ip, std::string_view uuid, std::string_view notification_type);
std::string ssdp_search(std::string_view search_target);

// The 56 data bytes of a Linux ping: a struct timeval and the byte pattern 0x10, 0x11, ...
std::string ping_data(std::int64_t unix_us);

std::string ipv4_text(std::uint32_t ip);

}  // namespace flowfeat::gen::payloads
