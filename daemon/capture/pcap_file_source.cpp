#include "flowfeat/capture/pcap_file_source.hpp"

#include <pcap/pcap.h>
#include <spdlog/spdlog.h>
#include <stdio_ext.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <system_error>
#include <utility>

#include "pcap_frame.hpp"

namespace flowfeat {
namespace {

namespace fs = std::filesystem;

// ftell may cost a system call, so the read position is sampled only once per this many packets.
constexpr std::uint64_t kPositionSampleInterval = 1024;
constexpr std::size_t kReadBufferBytes = std::size_t{1} << 20;

struct PcapCloser {
  void operator()(pcap_t* handle) const noexcept { pcap_close(handle); }
};
using PcapHandle = std::unique_ptr<pcap_t, PcapCloser>;

std::uint64_t size_or_zero(const fs::path& path) {
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(path, ec);
  return ec ? 0 : static_cast<std::uint64_t>(size);
}

// Opens a capture file for reading, or says why it cannot be read ("No such file or directory",
// "not a readable capture (unknown file format)").
PcapHandle open_capture(const fs::path& path, std::string& problem) noexcept {
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    problem = std::strerror(errno);
    return nullptr;
  }
  // libpcap reads a file with one fread per header and per packet; a large stdio buffer turns
  // those into few system calls.
  std::setvbuf(file, nullptr, _IOFBF, kReadBufferBytes);
  // Only the reading thread touches the stream, so stdio need not lock it for every fread.
  __fsetlocking(file, FSETLOCKING_BYCALLER);
  // Microseconds, as the reference reads them: packet times only matter to the millisecond, and
  // libpcap's scaling of µs files up to ns overflows on out-of-range fractions.
  pcap_t* opened = pcap_fopen_offline_with_tstamp_precision(file, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
  if (opened == nullptr) {
    std::fclose(file);
    problem = std::string("not a readable capture (") + errbuf + ")";
  }
  return PcapHandle(opened);
}

}  // namespace

std::optional<std::string> PcapFileSource::problem_with(const std::filesystem::path& file) {
  std::string problem;
  if (open_capture(file, problem) == nullptr) return problem;
  return std::nullopt;
}

struct PcapFileSource::Impl {
  std::vector<fs::path> files;
  std::vector<std::uint64_t> sizes;  // parallel to files; 0 when unknown
  std::size_t next_file = 0;
  std::size_t current_file = 0;      // meaningful while handle is open
  PcapHandle handle;
  int link_type = 0;
  std::uint64_t file_packets = 0;    // packets read from the current file
  std::uint64_t bytes_before_current = 0;
  SourceStats stats;

  void expand(const fs::path& input);
  void list_directory(const fs::path& directory, std::vector<fs::path>& found);
  bool open_next() noexcept;
  void end_file(int status) noexcept;
  void complete(std::size_t index) noexcept;
  void sample_position() noexcept;
};

void PcapFileSource::Impl::expand(const fs::path& input) {
  std::error_code ec;
  if (!fs::is_directory(input, ec)) {
    // Missing or odd paths stay in the list: they fail when their turn comes, in stream order.
    files.push_back(input);
    return;
  }
  std::vector<fs::path> found;
  list_directory(input, found);
  if (found.empty()) {
    spdlog::warn("directory {} holds no files", input.string());
  }
  std::sort(found.begin(), found.end());
  files.insert(files.end(), std::make_move_iterator(found.begin()),
               std::make_move_iterator(found.end()));
}

// Hand-rolled recursion rather than recursive_directory_iterator, which stops the whole walk at the
// first unreadable subdirectory.
void PcapFileSource::Impl::list_directory(const fs::path& directory, std::vector<fs::path>& found) {
  std::error_code ec;
  fs::directory_iterator it(directory, ec);
  for (const fs::directory_iterator end; !ec && it != end; it.increment(ec)) {
    const fs::directory_entry& entry = *it;
    std::error_code type_ec;
    if (entry.is_symlink(type_ec)) {
      // Linked files are read; linked directories are not entered, so a link cycle cannot loop.
      if (entry.is_regular_file(type_ec)) {
        found.push_back(entry.path());
      }
    } else if (entry.is_directory(type_ec)) {
      list_directory(entry.path(), found);
    } else if (entry.is_regular_file(type_ec)) {
      found.push_back(entry.path());
    }
  }
  if (ec) {
    spdlog::error("cannot list directory {}: {}", directory.string(), ec.message());
    ++stats.files_failed;
  }
}

bool PcapFileSource::Impl::open_next() noexcept {
  while (next_file < files.size()) {
    const std::size_t index = next_file++;
    std::string problem;
    PcapHandle opened = open_capture(files[index], problem);
    if (opened == nullptr) {
      spdlog::error("skipping {}: {}", files[index].string(), problem);
      ++stats.files_failed;
      complete(index);
      continue;
    }
    handle = std::move(opened);
    current_file = index;
    link_type = pcap_datalink(handle.get());
    file_packets = 0;
    ++stats.files_opened;
    return true;
  }
  return false;
}

void PcapFileSource::Impl::end_file(int status) noexcept {
  if (status == PCAP_ERROR) {
    const char* message = pcap_geterr(handle.get());
    // libpcap reports a short read, pcap or pcapng alike, as "truncated ... dump file".
    if (std::strstr(message, "truncated") != nullptr) {
      spdlog::warn("{} is truncated; kept the {} complete packets read from it ({})",
                   files[current_file].string(), file_packets, message);
      ++stats.files_truncated;
    } else {
      // Also where libpcap stops on pcapng it does not support, e.g. interfaces of mixed link types.
      spdlog::error("{}: stopped after {} packets, the rest cannot be read ({})",
                    files[current_file].string(), file_packets, message);
      ++stats.files_corrupt;
    }
  } else if (status != PCAP_ERROR_BREAK) {
    spdlog::error("{}: unexpected pcap_next_ex status {} after {} packets; file abandoned",
                  files[current_file].string(), status, file_packets);
    ++stats.files_corrupt;
  }
  handle.reset();
  complete(current_file);
}

void PcapFileSource::Impl::complete(std::size_t index) noexcept {
  bytes_before_current += sizes[index];
  stats.input_bytes_read = bytes_before_current;
}

void PcapFileSource::Impl::sample_position() noexcept {
  const long position = std::ftell(pcap_file(handle.get()));
  if (position > 0) {
    const auto consumed = std::min(static_cast<std::uint64_t>(position), sizes[current_file]);
    stats.input_bytes_read = bytes_before_current + consumed;
  }
}

PcapFileSource::PcapFileSource(const std::vector<std::filesystem::path>& inputs)
    : impl_(std::make_unique<Impl>()) {
  for (const auto& input : inputs) {
    impl_->expand(input);
  }
  impl_->sizes.reserve(impl_->files.size());
  for (const auto& file : impl_->files) {
    impl_->sizes.push_back(size_or_zero(file));
    impl_->stats.input_bytes_total += impl_->sizes.back();
  }
}

PcapFileSource::~PcapFileSource() = default;
PcapFileSource::PcapFileSource(PcapFileSource&&) noexcept = default;
PcapFileSource& PcapFileSource::operator=(PcapFileSource&&) noexcept = default;

ReadResult PcapFileSource::read(RawPacket& packet) noexcept {
  Impl& s = *impl_;
  for (;;) {
    if (!s.handle && !s.open_next()) {
      return ReadResult::kEnd;
    }
    pcap_pkthdr* header = nullptr;
    const u_char* data = nullptr;
    const int status = pcap_next_ex(s.handle.get(), &header, &data);
    if (status != 1) [[unlikely]] {
      s.end_file(status);
      if (s.file_packets > 0 && s.next_file < s.files.size()) return ReadResult::kFileEnded;
      continue;
    }

    capture_detail::take_frame(*header, data, s.link_type, packet, s.stats);
    if (++s.file_packets % kPositionSampleInterval == 0) {
      s.sample_position();
    }
    return ReadResult::kPacket;
  }
}

const SourceStats& PcapFileSource::stats() const { return impl_->stats; }

bool PcapFileSource::had_unreadable_input() const {
  const SourceStats& st = impl_->stats;
  return st.files_failed + st.files_truncated + st.files_corrupt > 0;
}

const std::vector<std::filesystem::path>& PcapFileSource::files() const { return impl_->files; }

}  // namespace flowfeat
