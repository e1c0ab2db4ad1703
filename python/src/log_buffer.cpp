#include "log_buffer.hpp"

#include <utility>

namespace flowfeat::python {
namespace {

int python_level(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug: return 10;
    case spdlog::level::info: return 20;
    case spdlog::level::warn: return 30;
    case spdlog::level::err: return 40;
    default: return 50;
  }
}

}  // namespace

void LogBuffer::sink_it_(const spdlog::details::log_msg& message) {
  if (entries_.size() == kCapacity) {
    ++left_out_;
    return;
  }
  entries_.push_back({python_level(message.level), std::string(message.payload.data(), message.payload.size())});
}

std::vector<LogBuffer::Entry> LogBuffer::take() {
  std::lock_guard lock(mutex_);
  std::vector<Entry> out(std::make_move_iterator(entries_.begin()), std::make_move_iterator(entries_.end()));
  entries_.clear();
  if (left_out_ != 0) {
    out.push_back({30, std::to_string(left_out_) + " more log messages were left out"});
    left_out_ = 0;
  }
  return out;
}

}  // namespace flowfeat::python
