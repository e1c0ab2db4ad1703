#include "truth_writer.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace flowfeat::gen {
namespace {

const char* protocol_name(std::uint8_t protocol) {
  switch (protocol) {
    case kTcp:
      return "tcp";
    case kUdp:
      return "udp";
    case kIcmp:
      return "icmp";
    default:
      return "unknown";
  }
}

}  // namespace

TruthWriter::TruthWriter(const std::string& path) {
  file_ = std::fopen(path.c_str(), "w");
  if (file_ == nullptr) throw std::runtime_error("cannot create " + path + ": " + std::strerror(errno));
  std::setvbuf(file_, nullptr, _IOFBF, std::size_t{1} << 18);
  std::fputs("srcip,sport,dstip,dsport,proto,attack_cat,Label\n", file_);
}

TruthWriter::~TruthWriter() {
  if (file_ != nullptr) std::fclose(file_);
}

void TruthWriter::add(const Endpoints& e, std::string_view attack_category) {
  const auto octet = [](std::uint32_t ip, int shift) { return (ip >> shift) & 0xffu; };
  std::fprintf(file_, "%u.%u.%u.%u,%u,%u.%u.%u.%u,%u,%s,%.*s,%d\n", octet(e.client_ip, 24), octet(e.client_ip, 16),
               octet(e.client_ip, 8), octet(e.client_ip, 0), static_cast<unsigned>(e.client_port),
               octet(e.server_ip, 24), octet(e.server_ip, 16), octet(e.server_ip, 8), octet(e.server_ip, 0),
               static_cast<unsigned>(e.server_port), protocol_name(e.protocol),
               static_cast<int>(attack_category.size()), attack_category.data(), attack_category.empty() ? 0 : 1);
  ++rows_;
  if (!attack_category.empty()) ++attack_rows_;
}

void TruthWriter::close() {
  if (file_ == nullptr) return;
  const bool failed = std::ferror(file_) != 0;
  const bool close_failed = std::fclose(file_) != 0;
  file_ = nullptr;
  if (failed || close_failed) throw std::runtime_error("writing the ground truth failed");
}

}  // namespace flowfeat::gen
