#include "flowfeat/flow/application_classifier.hpp"

#include <netinet/in.h>

#include <cstring>
#include <new>
#include <stdexcept>
#include <string_view>

#include "application_names.hpp"

extern "C" {
#include <ndpi_api.h>
}

namespace flowfeat {
namespace {

void remember(ClassificationState& state, const ndpi_protocol& p) noexcept {
  state.master_protocol = p.master_protocol;
  state.app_protocol = p.app_protocol;
  state.category = static_cast<std::uint16_t>(p.category);
}

ndpi_flow_struct* inspection_of(const ClassificationState& state) noexcept {
  return static_cast<ndpi_flow_struct*>(state.inspection);
}

struct TcpFlags {
  bool syn = false;
  bool ack = false;
};

// SYN and ACK of a TCP packet; both false when it is not TCP or the header was not captured.
TcpFlags tcp_flags(const DecodedPacket& packet) noexcept {
  const std::uint8_t* ip = packet.ip_header;
  const std::size_t length = packet.ip_captured_length;
  if (packet.protocol != IPPROTO_TCP || ip == nullptr || length < 20) return {};
  std::size_t offset = 0;
  if ((ip[0] >> 4) == 4) {
    offset = static_cast<std::size_t>(ip[0] & 0x0f) * 4;
  } else {
    std::uint8_t next = length >= 40 ? ip[6] : 0;
    offset = 40;
    while (next != IPPROTO_TCP) {  // IPv6 extension headers
      if (offset + 8 > length) return {};
      const std::uint8_t header = next;
      next = ip[offset];
      if (header == IPPROTO_HOPOPTS || header == IPPROTO_ROUTING || header == IPPROTO_DSTOPTS) {
        offset += (static_cast<std::size_t>(ip[offset + 1]) + 1) * 8;
      } else if (header == IPPROTO_FRAGMENT) {
        offset += 8;
      } else {
        return {};
      }
    }
  }
  if (offset + 14 > length) return {};
  return {(ip[offset + 13] & 0x02) != 0, (ip[offset + 13] & 0x10) != 0};
}

// Keeps the first packet's IPv4 addresses for address_protocol().
void remember_addresses(ClassificationState& state, const DecodedPacket& packet) noexcept {
  if (packet.ip_header == nullptr || packet.ip_captured_length < 20 || (packet.ip_header[0] >> 4) != 4) return;
  state.first_addresses_v4 = true;
  std::memcpy(&state.first_source_v4, packet.ip_header + 12, 4);
  std::memcpy(&state.first_destination_v4, packet.ip_header + 16, 4);
}

// The protocol nDPI 4.2's address list gives the flow (ndpi_guess_host_protocol_id: the first
// sender's address and port first); IPv4 only, as in nDPI.
std::uint16_t address_protocol(ndpi_detection_module_struct* ndpi, const ClassificationState& state) noexcept {
  if (!state.first_addresses_v4) return 0;
  const std::uint16_t source_port = state.first_sender_is_client ? state.client_port : state.server_port;
  const std::uint16_t destination_port = state.first_sender_is_client ? state.server_port : state.client_port;
  in_addr address{};
  address.s_addr = state.first_source_v4;
  const std::uint16_t found = ndpi_network_port_ptree_match(ndpi, &address, htons(source_port));
  if (found != NDPI_PROTOCOL_UNKNOWN) return found;
  address.s_addr = state.first_destination_v4;
  return ndpi_network_port_ptree_match(ndpi, &address, htons(destination_port));
}

// Empty for "Unknown", as ReferenceApplicationNames expects.
std::string_view protocol_name(ndpi_detection_module_struct* ndpi, std::uint16_t id) noexcept {
  return id == NDPI_PROTOCOL_UNKNOWN ? std::string_view() : ndpi_get_proto_name(ndpi, id);
}

// A dissector of nDPI 4.2 has ruled the protocol out for this flow.
bool excluded(const ndpi_flow_struct& flow, std::uint16_t id) noexcept {
  return NDPI_COMPARE_PROTOCOL_TO_BITMASK(flow.excluded_protocol_bitmask, id) != 0;
}

bool has_ports(const ClassificationState& state) noexcept {
  return (state.ip_protocol == IPPROTO_TCP || state.ip_protocol == IPPROTO_UDP) && state.client_port != 0 &&
         state.server_port != 0;
}

}  // namespace

struct ApplicationClassifier::Module {
  ndpi_detection_module_struct* ndpi = nullptr;
};

ApplicationClassifier::ApplicationClassifier(std::uint32_t max_packets)
    : module_(std::make_unique<Module>()), max_packets_(max_packets) {
  module_->ndpi = ndpi_init_detection_module(ndpi_no_prefs);
  if (module_->ndpi == nullptr) throw std::runtime_error("nDPI: cannot initialise the detection module");
  NDPI_PROTOCOL_BITMASK all;
  NDPI_BITMASK_SET_ALL(all);
  ndpi_set_protocol_detection_bitmask2(module_->ndpi, &all);
  ndpi_finalize_initialization(module_->ndpi);
}

ApplicationClassifier::~ApplicationClassifier() {
  if (module_ && module_->ndpi != nullptr) ndpi_exit_detection_module(module_->ndpi);
}

bool ApplicationClassifier::start(ClassificationState& state, const DecodedPacket& packet,
                                  std::uint64_t time_ms) noexcept {
  auto* flow = static_cast<ndpi_flow_struct*>(ndpi_flow_malloc(SIZEOF_FLOW_STRUCT));
  if (flow == nullptr) return false;
  std::memset(flow, 0, SIZEOF_FLOW_STRUCT);
  state.inspection = flow;
  // What the reference's guess and the address rule need from the first packet (see settle()).
  state.ip_protocol = packet.protocol;
  const TcpFlags flags = tcp_flags(packet);
  const bool client_first =
      ReferenceApplicationNames::first_sender_is_client(flags.syn, flags.ack, packet.src_port, packet.dst_port);
  state.client_port = client_first ? packet.src_port : packet.dst_port;
  state.server_port = client_first ? packet.dst_port : packet.src_port;
  state.first_sender_is_client = client_first;
  remember_addresses(state, packet);
  std::uint8_t user_defined = 0;
  state.first_guess =
      ndpi_guess_protocol_id(module_->ndpi, nullptr, packet.protocol, packet.src_port, packet.dst_port, &user_defined);
  remember(state, ndpi_detection_process_packet(module_->ndpi, flow, packet.ip_header,
                                                packet.ip_captured_length, time_ms));
  if (state.app_protocol == NDPI_PROTOCOL_UNKNOWN && max_packets_ == 1) {
    give_up(state);
    release(state);
    state.completed = true;
  }
  return true;
}

void ApplicationClassifier::update(ClassificationState& state, const DecodedPacket& packet,
                                   std::uint64_t time_ms, std::uint64_t packet_number) noexcept {
  if (state.completed) return;
  ndpi_flow_struct* flow = inspection_of(state);
  const bool keep_inspecting = state.app_protocol == NDPI_PROTOCOL_UNKNOWN ||
                               ndpi_extra_dissection_possible(module_->ndpi, flow) != 0;
  if (keep_inspecting) {
    remember(state, ndpi_detection_process_packet(module_->ndpi, flow, packet.ip_header,
                                                  packet.ip_captured_length, time_ms));
  } else {
    release(state);
    state.completed = true;
  }
  if (packet_number == max_packets_) {
    if (state.app_protocol == NDPI_PROTOCOL_UNKNOWN) give_up(state);
    release(state);
    state.completed = true;
  }
}

void ApplicationClassifier::finish(ClassificationState& state) noexcept {
  if (state.app_protocol == NDPI_PROTOCOL_UNKNOWN && !state.completed) give_up(state);
  release(state);
  state.completed = true;
}

void ApplicationClassifier::release(ClassificationState& state) noexcept {
  if (state.inspection != nullptr) {
    if (!state.guess_only) settle(state, inspection_of(state)->guessed_protocol_id);
    ndpi_free_flow(inspection_of(state));
    state.inspection = nullptr;
  }
}

void ApplicationClassifier::give_up(ClassificationState& state) noexcept {
  if (state.inspection == nullptr) return;
  ndpi_flow_struct* flow = inspection_of(state);
  // Read before giving up, which drops some UDP guesses the reference keeps.
  const std::uint16_t dissector_guess = flow->guessed_protocol_id;
  std::uint8_t guessed = 0;
  remember(state, ndpi_detection_giveup(module_->ndpi, flow, 1, &guessed));
  // By port, by address or nothing at all: the reference's nDPI guesses by port alone instead
  // (a7c2734b3, #1743). Inspection results (STUN, the caches) stand.
  state.guess_only = flow->confidence < NDPI_CONFIDENCE_DPI_CACHE;
  settle(state, dissector_guess);
}

// Works out, while the nDPI flow still exists, what naming in the reference's way needs.
void ApplicationClassifier::settle(ClassificationState& state, std::uint16_t dissector_guess) const noexcept {
  using Names = ReferenceApplicationNames;
  const ndpi_flow_struct& flow = *inspection_of(state);
  auto name_of = [&](std::uint16_t id) { return protocol_name(module_->ndpi, id); };

  // Since a7c2734b3 (#1743) the reference's nDPI never reports a protocol found from the
  // addresses alone ("TLS.Google" is "TLS"). Found by a name (SNI, certificate, Host, DNS query), it stays.
  state.app_by_address = false;
  if (state.app_protocol != NDPI_PROTOCOL_UNKNOWN && state.master_protocol != NDPI_PROTOCOL_UNKNOWN &&
      state.app_protocol == address_protocol(module_->ndpi, state)) {
    const bool tls = state.master_protocol == NDPI_PROTOCOL_TLS || state.master_protocol == NDPI_PROTOCOL_QUIC ||
                     state.master_protocol == NDPI_PROTOCOL_DTLS;
    char server_name[sizeof(flow.host_server_name) + 1] = {};
    std::memcpy(server_name, flow.host_server_name, sizeof(flow.host_server_name));
    ndpi_protocol_match_result match{};
    const int by_name = ndpi_match_string_subprotocol(module_->ndpi, server_name,
                                                      static_cast<u_int>(std::strlen(server_name)), &match);
    // STUN's dissector names Zoom from a message attribute, in both versions.
    const bool stun_verdict = state.master_protocol == NDPI_PROTOCOL_STUN && state.app_protocol == NDPI_PROTOCOL_ZOOM;
    state.app_by_address =
        !(tls && flow.protos.tls_quic.subprotocol_detected) && !stun_verdict && by_name != state.app_protocol;
  }

  // The reference's guess: its guess by IP protocol, or a dissector's, or its guess by port.
  std::string_view guess;
  if (!has_ports(state)) {
    guess = Names::ip_protocol_guess(state.ip_protocol, name_of(dissector_guess));
  } else if (dissector_guess != state.first_guess) {
    guess = Names::protocol(name_of(dissector_guess));  // a dissector changed it; the reference's do alike
  } else {
    auto port_default = [&](std::uint16_t port) {
      std::uint8_t user_defined = 0;  // one port alone gives that port's default protocol
      const std::uint16_t debian =
          ndpi_guess_protocol_id(module_->ndpi, nullptr, state.ip_protocol, port, port, &user_defined);
      return Names::port_default(state.ip_protocol, port, name_of(debian));
    };
    guess = port_default(state.server_port);
    if (guess.empty()) guess = port_default(state.client_port);
    // afb5c3e6b (#1785): of the UDP guesses a dissector has ruled out, only SNMP and NetFlow are dropped now.
    if (state.ip_protocol == IPPROTO_UDP && ((guess == "SNMP" && excluded(flow, NDPI_PROTOCOL_SNMP)) ||
                                             (guess == "NetFlow" && excluded(flow, NDPI_PROTOCOL_NETFLOW)))) {
      guess = {};
    }
  }
  // Table literals or nDPI's own names: NUL-terminated, and they outlive the flow.
  state.reference_guess = guess.empty() ? nullptr : guess.data();
}

void ApplicationClassifier::name(const ClassificationState& state, char* buffer, std::size_t size) const noexcept {
  using Names = ReferenceApplicationNames;
  const std::string_view guess = state.reference_guess != nullptr ? state.reference_guess : "";
  if (state.guess_only) {
    Names::compose({}, guess, buffer, size);
    return;
  }
  auto name_of = [&](std::uint16_t id) { return protocol_name(module_->ndpi, id); };
  const std::string_view master = Names::protocol(name_of(state.master_protocol));
  std::string_view app = state.app_by_address ? std::string_view() : Names::protocol(name_of(state.app_protocol));
  // Nothing the reference's nDPI knows is left: it would have given up and guessed.
  if (master.empty() && app.empty()) app = guess;
  Names::compose(master, app, buffer, size);
}

}  // namespace flowfeat
