#include "gen_options.hpp"

#include <charconv>
#include <cstdio>
#include <string_view>

namespace flowfeat::gen {
namespace {

constexpr std::string_view kUsage =
    "usage: flowfeat-gen --out CAPTURE.pcap --truth TRUTH.csv [--seed N] [--flows N]\n"
    "                    [--duration SECONDS] [--start EPOCH_SECONDS]\n"
    "\n"
    "Writes a synthetic Ethernet capture of mixed normal traffic and scripted attacks, and the\n"
    "ground truth of its conversations (srcip,sport,dstip,dsport,proto,attack_cat,Label).\n"
    "\n"
    "  --out PATH         pcap file to write (microsecond timestamps, DLT_EN10MB)\n"
    "  --truth PATH       ground-truth CSV to write\n"
    "  --seed N           random seed; equal seeds give identical files (default 1)\n"
    "  --flows N          number of normal conversations (default 2000)\n"
    "  --duration SECONDS length of the capture (default 60)\n"
    "  --start SECONDS    Unix time of the first packet slot (default 1700000000)\n";

template <typename T>
bool parse_number(std::string_view text, T& out) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc{} && end == text.data() + text.size();
}

}  // namespace

std::optional<GenOptions> GenOptions::parse(int argc, char** argv, int& exit_code) {
  GenOptions o;
  const auto fail = [&](const std::string& message) {
    std::fprintf(stderr, "flowfeat-gen: %s\n%.*s", message.c_str(), static_cast<int>(kUsage.size()), kUsage.data());
    exit_code = 2;
    return std::nullopt;
  };
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fwrite(kUsage.data(), 1, kUsage.size(), stdout);
      exit_code = 0;
      return std::nullopt;
    }
    if (i + 1 >= argc) return fail("missing value after " + std::string(arg));
    const std::string_view value = argv[++i];
    bool ok = true;
    if (arg == "--out") {
      o.capture_path = value;
    } else if (arg == "--truth") {
      o.truth_path = value;
    } else if (arg == "--seed") {
      ok = parse_number(value, o.seed);
    } else if (arg == "--flows") {
      ok = parse_number(value, o.flows) && o.flows <= 100'000'000;
    } else if (arg == "--duration") {
      ok = parse_number(value, o.duration_s) && o.duration_s >= 1 && o.duration_s <= 30 * 86'400;
    } else if (arg == "--start") {
      ok = parse_number(value, o.start_epoch_s) && o.start_epoch_s >= 0 && o.start_epoch_s < (std::int64_t{1} << 32);
    } else {
      return fail("unknown option " + std::string(arg));
    }
    if (!ok) return fail("invalid value for " + std::string(arg) + ": " + std::string(value));
  }
  if (o.capture_path.empty() || o.truth_path.empty()) return fail("--out and --truth are required");
  // pcap stores seconds in 32 bits.
  if (o.start_epoch_s + o.duration_s >= (std::int64_t{1} << 32)) return fail("--start + --duration is past 2106");
  return o;
}

}  // namespace flowfeat::gen
