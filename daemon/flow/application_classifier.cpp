#include "flowfeat/flow/application_classifier.hpp"

#include <cstring>
#include <new>
#include <stdexcept>

extern "C" {
#include <ndpi_api.h>
}

namespace flowfeat {
namespace {

ndpi_protocol to_ndpi(const ClassificationState& state) noexcept {
  ndpi_protocol p{};
  p.master_protocol = state.master_protocol;
  p.app_protocol = state.app_protocol;
  p.category = static_cast<ndpi_protocol_category_t>(state.category);
  return p;
}

void remember(ClassificationState& state, const ndpi_protocol& p) noexcept {
  state.master_protocol = p.master_protocol;
  state.app_protocol = p.app_protocol;
  state.category = static_cast<std::uint16_t>(p.category);
}

ndpi_flow_struct* inspection_of(const ClassificationState& state) noexcept {
  return static_cast<ndpi_flow_struct*>(state.inspection);
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
    ndpi_free_flow(inspection_of(state));
    state.inspection = nullptr;
  }
}

void ApplicationClassifier::give_up(ClassificationState& state) noexcept {
  if (state.inspection == nullptr) return;
  std::uint8_t guessed = 0;
  remember(state, ndpi_detection_giveup(module_->ndpi, inspection_of(state), 1, &guessed));
}

void ApplicationClassifier::name(const ClassificationState& state, char* buffer, std::size_t size) const noexcept {
  if (size == 0) return;
  ndpi_protocol2name(module_->ndpi, to_ndpi(state), buffer, static_cast<u_int>(size));
  buffer[size - 1] = '\0';
}

}  // namespace flowfeat
