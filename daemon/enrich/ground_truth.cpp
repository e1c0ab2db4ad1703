#include "flowfeat/enrich/ground_truth.hpp"

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>
#include <absl/hash/hash.h>
#include <absl/time/civil_time.h>
#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <string_view>
#include <system_error>
#include <utility>

#include "csv_records.hpp"
#include "ground_truth_layout.hpp"
#include "text_match.hpp"

namespace flowfeat {
namespace {

using enrich_detail::kAbsent;
using enrich_detail::RowLayout;
using enrich_detail::equal_ignoring_case;

bool parse_unsigned(std::string_view text, std::uint64_t max, std::uint64_t& value) noexcept {
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    text.remove_prefix(2);
    base = 16;
  }
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value, base);
  return !text.empty() && ec == std::errc() && ptr == end && value <= max;
}

bool parse_address(std::string_view text, IpAddress& address) {
  char buffer[64];
  if (text.size() >= sizeof(buffer)) return false;
  text.copy(buffer, text.size());
  buffer[text.size()] = '\0';
  std::uint8_t bytes[16];
  if (::inet_pton(AF_INET, buffer, bytes) == 1) {
    address = IpAddress::v4(bytes);
    return true;
  }
  if (::inet_pton(AF_INET6, buffer, bytes) == 1) {
    address = IpAddress::v6(bytes);
    return true;
  }
  return false;
}

struct ProtocolName {
  std::string_view name;
  std::uint8_t number;
};

// IANA keywords (and the usual aliases) of the protocols ground-truth files name.
constexpr ProtocolName kProtocolNames[] = {
    {"hopopt", 0},      {"icmp", 1},       {"igmp", 2},     {"ggp", 3},         {"ipv4", 4},         {"ipencap", 4},
    {"st", 5},          {"tcp", 6},        {"cbt", 7},      {"egp", 8},         {"igp", 9},          {"pup", 12},
    {"udp", 17},        {"hmp", 20},       {"xns-idp", 22}, {"rdp", 27},        {"dccp", 33},        {"ipv6", 41},
    {"ipv6-route", 43}, {"ipv6-frag", 44}, {"rsvp", 46},    {"gre", 47},        {"esp", 50},         {"ah", 51},
    {"ipv6-icmp", 58},  {"icmpv6", 58},    {"icmp6", 58},   {"ipv6-nonxt", 59}, {"ipv6-opts", 60},   {"eigrp", 88},
    {"ospf", 89},       {"ospfigp", 89},   {"etherip", 97}, {"encap", 98},      {"pim", 103},        {"ipcomp", 108},
    {"vrrp", 112},      {"l2tp", 115},     {"sctp", 132},   {"udplite", 136},   {"mpls-in-ip", 137},
};

bool parse_protocol(std::string_view text, std::uint8_t& protocol) noexcept {
  std::uint64_t number = 0;
  if (parse_unsigned(text, 255, number)) {
    protocol = static_cast<std::uint8_t>(number);
    return true;
  }
  for (const ProtocolName& entry : kProtocolNames) {
    if (equal_ignoring_case(text, entry.name)) {
      protocol = entry.number;
      return true;
    }
  }
  return false;
}

// An integer, or a number with a fraction as spreadsheets and pandas write them ("1.0").
bool parse_label(std::string_view text, bool& attack) noexcept {
  std::uint64_t integer = 0;
  if (parse_unsigned(text, std::numeric_limits<std::uint64_t>::max(), integer)) {
    attack = integer != 0;
    return true;
  }
  double number = 0.0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, number, std::chars_format::fixed);
  if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(number)) return false;
  attack = number != 0.0;
  return true;
}

// The first 31 bytes, shortened to a whole UTF-8 character, NUL-terminated.
std::array<char, 32> category_of(std::string_view text) noexcept {
  std::array<char, 32> category{};
  std::size_t n = std::min(text.size(), category.size() - 1);
  if (n < text.size()) {
    while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  }
  text.copy(category.data(), n);
  return category;
}

// A 5-tuple without direction: its two endpoints in a fixed order, so a row and its reverse are one key.
struct TupleKey {
  std::array<std::uint64_t, 5> words{};

  static TupleKey of(const IpAddress& a, std::uint16_t a_port, const IpAddress& b, std::uint16_t b_port,
                     std::uint8_t protocol) noexcept {
    const bool a_first = a < b || (a == b && a_port <= b_port);
    const IpAddress& low = a_first ? a : b;
    const IpAddress& high = a_first ? b : a;
    const std::uint64_t low_port = a_first ? a_port : b_port;
    const std::uint64_t high_port = a_first ? b_port : a_port;
    TupleKey key;
    key.words = {low.word(0), low.word(1), high.word(0), high.word(1),
                 low_port | high_port << 16 | std::uint64_t{protocol} << 32 | std::uint64_t{low.version} << 40 |
                     std::uint64_t{high.version} << 48};
    return key;
  }

  friend bool operator==(const TupleKey&, const TupleKey&) = default;

  template <typename H>
  friend H AbslHashValue(H h, const TupleKey& key) {
    return H::combine_contiguous(std::move(h), key.words.data(), key.words.size());
  }
};

constexpr std::uint32_t kNoCategory = std::numeric_limits<std::uint32_t>::max();

// Text as UTF-8: CIC-IDS2017 writes some labels in Windows-1252 ("Web Attack \x96 Brute Force"),
// which would make the records' text invalid; such a text is converted, valid UTF-8 kept as it is.
std::string as_utf8(std::string_view text) {
  const auto valid = [&] {
    for (std::size_t i = 0; i < text.size();) {
      const auto c = static_cast<unsigned char>(text[i]);
      const std::size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
      if (length == 0 || i + length > text.size()) return false;
      for (std::size_t k = 1; k < length; ++k) {
        if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
      }
      i += length;
    }
    return true;
  };
  if (valid()) return std::string(text);
  // Windows-1252's 0x80-0x9F; the rest of the upper half is Latin-1.
  static constexpr char16_t kHigh[32] = {0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                         0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
                                         0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                         0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    const char16_t code = c < 0x80 ? c : c < 0xA0 ? kHigh[c - 0x80] : c;
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }
  return out;
}

// A port as the data sets write it: decimal, 0x-hex, or "-" for a protocol without ports.
bool parse_port(std::string_view text, std::uint64_t& port) noexcept {
  if (text == "-") {
    port = 0;
    return true;
  }
  return parse_unsigned(text, 65535, port);
}

constexpr std::int64_t kNoTime = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kEndOfTime = std::numeric_limits<std::int64_t>::max();

// One row of the ground truth: its interval (the whole of time without times) and its verdict.
struct Row {
  std::int64_t start_ms = kNoTime;
  std::int64_t end_ms = kEndOfTime;
  std::uint32_t category = kNoCategory;  // index into Table::categories
  bool attack = false;
};

// Why rows were skipped, so a file where most fail gets one error that says what they hold.
enum class Skip : std::uint8_t { kSplit, kFieldCount, kSrcIp, kSrcPort, kDstIp, kDstPort, kProtocol, kLabel, kTime };
constexpr std::size_t kSkipKinds = 9;

std::string hint(Skip kind) {
  switch (kind) {
    case Skip::kSplit: return "they are not CSV";
    case Skip::kFieldCount: return "they do not have the first row's number of fields";
    case Skip::kSrcIp: return "the src_ip column does not hold addresses: check labels.columns.src_ip or labels.format";
    case Skip::kSrcPort: return "the src_port column does not hold ports: check labels.columns.src_port";
    case Skip::kDstIp: return "the dst_ip column does not hold addresses: check labels.columns.dst_ip or labels.format";
    case Skip::kDstPort: return "the dst_port column does not hold ports: check labels.columns.dst_port";
    case Skip::kProtocol: return "the protocol column holds neither numbers nor protocol names: check labels.columns.protocol";
    case Skip::kLabel: return "the label column is empty";
    case Skip::kTime: return "the time columns do not read as labels.time_format (and labels.time_zone) say";
  }
  return "";
}

std::string quoted_path(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

}  // namespace

// Hashes and compares the tuples of a set of indexes into a vector of tuples, and the tuples
// themselves, so the set is searched by tuple while it stores 4 bytes a slot.
struct IndexedTupleHash {
  using is_transparent = void;
  const std::vector<TupleKey>* tuples;
  std::size_t operator()(std::uint32_t i) const noexcept { return absl::Hash<TupleKey>{}((*tuples)[i]); }
  std::size_t operator()(const TupleKey& key) const noexcept { return absl::Hash<TupleKey>{}(key); }
};

struct IndexedTupleEq {
  using is_transparent = void;
  const std::vector<TupleKey>* tuples;
  bool operator()(std::uint32_t a, std::uint32_t b) const noexcept { return a == b; }
  bool operator()(std::uint32_t a, const TupleKey& b) const noexcept { return (*tuples)[a] == b; }
  bool operator()(const TupleKey& a, std::uint32_t b) const noexcept { return a == (*tuples)[b]; }
};

struct GroundTruth::Table {
  // The distinct tuples, each stored once: a map from tuple to rows would hold a 48-byte entry in
  // each of its slots, about twice as many as tuples (a million-row file: 100 MB against 50).
  std::vector<TupleKey> tuples;
  std::vector<std::uint32_t> first_rows;  // tuples[i]'s rows are rows[first_rows[i] .. first_rows[i + 1])
  absl::flat_hash_set<std::uint32_t, IndexedTupleHash, IndexedTupleEq> index{0, IndexedTupleHash{&tuples},
                                                                             IndexedTupleEq{&tuples}};
  std::vector<Row> rows;  // grouped by tuple, each group by start time
  std::vector<std::array<char, 32>> categories;
  GroundTruthReport report;
  bool has_label = false;
  bool has_attack_cat = false;
  bool has_times = false;
  std::int64_t tolerance_ms = 0;
  std::optional<TimeSpan> span;  // of the rows' intervals
};

GroundTruth::GroundTruth(std::unique_ptr<Table> table) noexcept : table_(std::move(table)) {}
GroundTruth::~GroundTruth() = default;
GroundTruth::GroundTruth(GroundTruth&&) noexcept = default;
GroundTruth& GroundTruth::operator=(GroundTruth&&) noexcept = default;

GroundTruth GroundTruth::load(const std::filesystem::path& path, const GroundTruthColumns& columns) {
  GroundTruthOptions options;
  options.columns = columns;
  return load(path, options);
}

GroundTruth GroundTruth::load(const std::filesystem::path& path, const GroundTruthOptions& options) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw GroundTruthError("cannot read ground truth file " + quoted_path(path) + ": it is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw GroundTruthError("cannot open ground truth file " + quoted_path(path) + ": " + std::strerror(errno));
  }
  enrich_detail::CsvRecords reader(in);
  std::vector<std::string_view> fields;
  std::string error;
  if (!reader.next(fields, error)) {
    throw GroundTruthError("ground truth file " + quoted_path(path) + " is empty: it needs a header row");
  }
  if (!error.empty()) {
    throw GroundTruthError("ground truth file " + path.string() + ":" + std::to_string(reader.record_line()) +
                           ": header row: " + error);
  }
  const RowLayout layout = enrich_detail::resolve_layout(fields, options, path.string());

  auto table = std::make_unique<Table>();
  table->has_label = layout.label != kAbsent || layout.every_row_attack;
  table->has_attack_cat = layout.attack_cat != kAbsent;
  table->has_times = layout.times.has_value();
  table->tolerance_ms = static_cast<std::int64_t>(options.time_tolerance_ms);
  GroundTruthReport& report = table->report;
  report.notes.push_back(layout.description);
  absl::flat_hash_map<std::string, std::uint32_t> category_ids;
  // Each row with its tuple and its place in the file (which breaks ties, so the sort below can be
  // done in place: a stable sort would take a second copy of a large file's rows).
  struct Keyed {
    TupleKey first;
    Row second;
    std::uint32_t position;
  };
  std::vector<Keyed> keyed;
  std::array<std::uint64_t, kSkipKinds> skipped{};
  std::array<std::string, kSkipKinds> first_skipped;
  std::uint64_t outside_capture_days = 0;
  std::string first_outside_capture_days;  // "path:line ('text', read as 2017-03-07)"

  bool have_record = layout.first_record_is_data;  // the first record is a row, not a header
  for (;;) {
    if (!have_record && !reader.next(fields, error)) break;
    have_record = false;
    ++report.rows;
    const auto skip = [&](Skip kind, const std::string& reason) {
      ++report.malformed;
      if (++skipped[static_cast<std::size_t>(kind)] == 1) first_skipped[static_cast<std::size_t>(kind)] = reason;
      if (report.problems.size() < kMaxProblems) {
        report.problems.push_back(path.string() + ":" + std::to_string(reader.record_line()) + ": " + reason);
      }
    };
    if (!error.empty()) {
      skip(Skip::kSplit, error);
      continue;
    }
    if (fields.size() != layout.fields) {
      skip(Skip::kFieldCount, "expected " + std::to_string(layout.fields) + " fields, found " + std::to_string(fields.size()));
      continue;
    }
    IpAddress src_ip;
    IpAddress dst_ip;
    std::uint64_t src_port = 0;
    std::uint64_t dst_port = 0;
    std::uint8_t protocol = 0;
    const std::string_view protocol_text = fields[layout.protocol];
    if (!parse_address(fields[layout.src_ip], src_ip)) {
      skip(Skip::kSrcIp, "bad source address '" + std::string(fields[layout.src_ip]) + "'");
      continue;
    }
    if (!parse_port(fields[layout.src_port], src_port)) {
      skip(Skip::kSrcPort, "bad source port '" + std::string(fields[layout.src_port]) + "'");
      continue;
    }
    if (!parse_address(fields[layout.dst_ip], dst_ip)) {
      skip(Skip::kDstIp, "bad destination address '" + std::string(fields[layout.dst_ip]) + "'");
      continue;
    }
    if (!parse_port(fields[layout.dst_port], dst_port)) {
      skip(Skip::kDstPort, "bad destination port '" + std::string(fields[layout.dst_port]) + "'");
      continue;
    }
    if (!parse_protocol(protocol_text, protocol)) {
      const bool a_name = !protocol_text.empty() && std::all_of(protocol_text.begin(), protocol_text.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '/' || c == '_' || c == '.';
      }) && !(protocol_text[0] >= '0' && protocol_text[0] <= '9');
      if (a_name) {
        // Argus names more protocols than the IANA keywords flowfeat reads (UNSW-NB15's "unas", "any", ...).
        ++report.unknown_protocol;
        continue;
      }
      skip(Skip::kProtocol, "bad protocol '" + std::string(protocol_text) + "'");
      continue;
    }
    Row row;
    if (layout.times) {
      const std::optional<enrich_detail::LabelTime> start = layout.times->read(fields[layout.start]);
      if (!start) {
        skip(Skip::kTime, "bad time '" + std::string(fields[layout.start]) + "'");
        continue;
      }
      if (layout.capture_days && !layout.capture_days->contains(layout.times->day_of(start->ms)) &&
          ++outside_capture_days == 1) {
        first_outside_capture_days = path.string() + ":" + std::to_string(reader.record_line()) + " ('" +
                                     std::string(fields[layout.start]) + "', read as " +
                                     absl::FormatCivilTime(layout.times->day_of(start->ms)) + ")";
      }
      row.start_ms = start->ms;
      row.end_ms = start->ms + std::max<std::int64_t>(start->resolution_ms - 1, 0);
      if (layout.end != kAbsent) {
        const std::optional<enrich_detail::LabelTime> end = layout.times->read(fields[layout.end]);
        if (!end) {
          skip(Skip::kTime, "bad end time '" + std::string(fields[layout.end]) + "'");
          continue;
        }
        row.end_ms = std::max(row.end_ms, end->ms + std::max<std::int64_t>(end->resolution_ms - 1, 0));
      } else if (layout.duration_us != kAbsent) {
        double duration_us = 0.0;
        const std::string_view text = fields[layout.duration_us];
        const auto [ptr, parse_ec] = std::from_chars(text.data(), text.data() + text.size(), duration_us);
        // CICFlowMeter writes a few negative durations; they say nothing of the length.
        if (parse_ec == std::errc() && ptr == text.data() + text.size() && duration_us > 0.0) {
          row.end_ms += static_cast<std::int64_t>(std::ceil(duration_us / 1000.0));
        }
      }
    }
    row.attack = true;  // a table of attacks, or a file without a label column
    std::string_view label_text;
    if (!layout.every_row_attack && layout.label != kAbsent) {
      const std::string_view text = fields[layout.label];
      if (text.empty()) {
        skip(Skip::kLabel, "empty label");
        continue;
      }
      // A label that is not a number is text: benign when it is a benign value, else an attack named by it.
      if (!parse_label(text, row.attack)) {
        const auto& benign = options.columns.benign_values;
        row.attack = std::find(benign.begin(), benign.end(), text) == benign.end();
        if (row.attack) label_text = text;
      }
    }
    ++report.loaded;
    if (layout.times) {
      table->span = table->span ? TimeSpan{std::min(table->span->first_ms, row.start_ms),
                                           std::max(table->span->last_ms, row.end_ms)}
                                : TimeSpan{row.start_ms, row.end_ms};
    }
    if (row.attack) {
      std::string_view category_text = label_text;
      if (layout.attack_cat != kAbsent && !fields[layout.attack_cat].empty()) category_text = fields[layout.attack_cat];
      if (!category_text.empty()) {
        table->has_attack_cat = true;
        const std::string category = as_utf8(category_text);
        const auto [it, added] = category_ids.try_emplace(category, static_cast<std::uint32_t>(table->categories.size()));
        if (added) table->categories.push_back(category_of(category));
        row.category = it->second;
      }
    }
    keyed.push_back({TupleKey::of(src_ip, static_cast<std::uint16_t>(src_port), dst_ip,
                                  static_cast<std::uint16_t>(dst_port), protocol),
                     row, static_cast<std::uint32_t>(keyed.size())});
  }
  if (reader.failed()) {
    throw GroundTruthError("error reading ground truth file " + quoted_path(path) + ": " + std::strerror(errno));
  }
  if (report.malformed > report.loaded) {
    const auto worst = static_cast<std::size_t>(std::max_element(skipped.begin(), skipped.end()) - skipped.begin());
    throw GroundTruthError("ground truth file " + quoted_path(path) + ": " + std::to_string(report.malformed) + " of " +
                           std::to_string(report.rows) + " rows cannot be read, " + std::to_string(skipped[worst]) +
                           " of them because " + hint(static_cast<Skip>(worst)) + " (first: " + first_skipped[worst] +
                           "; read as: " + layout.description + ")");
  }

  if (outside_capture_days != 0) {
    const enrich_detail::CaptureDays& days = *layout.capture_days;
    report.warnings.push_back(std::to_string(outside_capture_days) + " of " + std::to_string(report.rows) +
                              " rows are dated outside the days " + days.data_set + " was captured on (" + days.days +
                              "), the first at " + first_outside_capture_days +
                              ": is the file of that data set, and are its dates day first?");
  }

  // Rows grouped by tuple, each group in time order (file order for equal times): a flow's
  // candidates are then one slice, scanned until the rows start after the flow ends.
  std::sort(keyed.begin(), keyed.end(), [](const Keyed& a, const Keyed& b) {
    if (a.first.words != b.first.words) return a.first.words < b.first.words;
    if (a.second.start_ms != b.second.start_ms) return a.second.start_ms < b.second.start_ms;
    return a.position < b.position;
  });
  table->rows.reserve(keyed.size());
  for (std::size_t i = 0; i < keyed.size();) {
    table->tuples.push_back(keyed[i].first);
    table->first_rows.push_back(static_cast<std::uint32_t>(i));
    std::size_t j = i;
    while (j < keyed.size() && keyed[j].first == keyed[i].first) table->rows.push_back(keyed[j++].second);
    i = j;
  }
  table->first_rows.push_back(static_cast<std::uint32_t>(keyed.size()));
  keyed = {};  // before the index is built: the peak of a large file's loading
  table->tuples.shrink_to_fit();
  table->first_rows.shrink_to_fit();
  table->index.reserve(table->tuples.size());
  for (std::uint32_t i = 0; i < table->tuples.size(); ++i) table->index.insert(i);
  return GroundTruth(std::move(table));
}

LabelVerdict GroundTruth::verdict(const FlowRecord& flow) const noexcept {
  LabelVerdict verdict;
  const auto it =
      table_->index.find(TupleKey::of(flow.src_ip, flow.src_port, flow.dst_ip, flow.dst_port, flow.protocol));
  if (it == table_->index.end()) return verdict;
  const auto first_seen = static_cast<std::int64_t>(flow.bidirectional_first_seen_ms);
  const auto last_seen = static_cast<std::int64_t>(flow.bidirectional_last_seen_ms);
  const std::int64_t tolerance = table_->tolerance_ms;
  const Row* attack = nullptr;
  unsigned matched = 0;
  for (std::uint32_t i = table_->first_rows[*it], end = table_->first_rows[*it + 1]; i < end; ++i) {
    const Row& row = table_->rows[i];
    if (table_->has_times) {
      if (row.start_ms - tolerance > last_seen) break;  // this and every later row start after the flow
      if (row.end_ms + tolerance < first_seen) continue;
    }
    ++matched;
    if (row.attack && attack == nullptr) attack = &row;
  }
  verdict.matched_rows = static_cast<std::uint8_t>(std::min(matched, 2u));
  if (attack == nullptr) return verdict;
  verdict.label = 1;
  if (attack->category != kNoCategory) verdict.attack_category = table_->categories[attack->category];
  return verdict;
}

bool GroundTruth::has_tuple(const FlowRecord& flow) const noexcept {
  return table_->index.contains(TupleKey::of(flow.src_ip, flow.src_port, flow.dst_ip, flow.dst_port, flow.protocol));
}

bool GroundTruth::has_label_column() const noexcept { return table_->has_label; }
bool GroundTruth::has_attack_cat() const noexcept { return table_->has_attack_cat; }
bool GroundTruth::has_times() const noexcept { return table_->has_times; }
std::optional<TimeSpan> GroundTruth::time_span() const noexcept { return table_->span; }
std::uint64_t GroundTruth::time_tolerance_ms() const noexcept { return static_cast<std::uint64_t>(table_->tolerance_ms); }
const GroundTruthReport& GroundTruth::report() const noexcept { return table_->report; }
std::size_t GroundTruth::size() const noexcept { return table_->tuples.size(); }

}  // namespace flowfeat
