#include "flowfeat/enrich/ground_truth.hpp"

#include <absl/container/flat_hash_map.h>
#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <istream>
#include <limits>
#include <string_view>
#include <system_error>
#include <utility>

namespace flowfeat {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

bool is_space(char c) noexcept { return c == ' ' || c == '\t'; }

bool is_blank(std::string_view line) noexcept { return std::all_of(line.begin(), line.end(), is_space); }

void trim_right(std::string& text) {
  while (!text.empty() && is_space(text.back())) text.pop_back();
}

char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

// Splits CSV records (RFC 4180: quoted fields may hold commas, doubled quotes and line breaks) from
// a stream, dropping a leading UTF-8 BOM, CR before LF, blank lines and whitespace around fields.
class CsvReader {
 public:
  explicit CsvReader(std::istream& in) : in_(in) {}

  // False at end of input. Otherwise `fields` holds the record, or `error` says why it cannot be split.
  bool next(std::vector<std::string>& fields, std::string& error) {
    fields.clear();
    error.clear();
    std::string line;
    do {
      if (!read_line(line)) return false;
    } while (is_blank(line));
    record_line_ = line_;

    enum class State : std::uint8_t { kStart, kUnquoted, kQuoted, kAfterQuote };
    State state = State::kStart;
    std::string field;
    std::size_t i = 0;
    for (;;) {
      if (i == line.size()) {
        if (state == State::kQuoted) {
          if (!read_line(line)) {
            error = "unterminated quoted field";
            return true;
          }
          field += '\n';
          i = 0;
          continue;
        }
        if (state == State::kUnquoted) trim_right(field);
        fields.push_back(std::move(field));
        return true;
      }
      const char c = line[i++];
      switch (state) {
        case State::kStart:
          if (c == '"') {
            state = State::kQuoted;
          } else if (c == ',') {
            fields.emplace_back();
          } else if (!is_space(c)) {
            field += c;
            state = State::kUnquoted;
          }
          break;
        case State::kUnquoted:
          if (c == ',') {
            trim_right(field);
            fields.push_back(std::move(field));
            field.clear();
            state = State::kStart;
          } else {
            field += c;
          }
          break;
        case State::kQuoted:
          if (c != '"') {
            field += c;
          } else if (i < line.size() && line[i] == '"') {
            field += '"';
            ++i;
          } else {
            state = State::kAfterQuote;
          }
          break;
        case State::kAfterQuote:
          if (c == ',') {
            fields.push_back(std::move(field));
            field.clear();
            state = State::kStart;
          } else if (!is_space(c)) {
            error = "text after the closing quote of a field";
            return true;
          }
          break;
      }
    }
  }

  // Line (1-based) on which the last record returned by next() starts.
  std::uint64_t record_line() const noexcept { return record_line_; }

  bool failed() const { return in_.bad(); }

 private:
  bool read_line(std::string& line) {
    if (!std::getline(in_, line)) return false;
    ++line_;
    if (line_ == 1 && line.starts_with(kUtf8Bom)) line.erase(0, kUtf8Bom.size());
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return true;
  }

  std::istream& in_;
  std::uint64_t line_ = 0;
  std::uint64_t record_line_ = 0;
};

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

std::string quoted_path(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

}  // namespace

struct GroundTruth::Table {
  absl::flat_hash_map<TupleKey, std::uint32_t> attacks;  // tuple -> index into categories, or kNoCategory
  std::vector<std::array<char, 32>> categories;
  GroundTruthReport report;
  bool has_label = false;
  bool has_attack_cat = false;
};

GroundTruth::GroundTruth(std::unique_ptr<Table> table) noexcept : table_(std::move(table)) {}
GroundTruth::~GroundTruth() = default;
GroundTruth::GroundTruth(GroundTruth&&) noexcept = default;
GroundTruth& GroundTruth::operator=(GroundTruth&&) noexcept = default;

GroundTruth GroundTruth::load(const std::filesystem::path& path, const GroundTruthColumns& columns) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw GroundTruthError("cannot read ground truth file " + quoted_path(path) + ": it is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw GroundTruthError("cannot open ground truth file " + quoted_path(path) + ": " + std::strerror(errno));
  }
  CsvReader reader(in);
  std::vector<std::string> header;
  std::string error;
  if (!reader.next(header, error)) {
    throw GroundTruthError("ground truth file " + quoted_path(path) + " is empty: it needs a header row");
  }
  if (!error.empty()) {
    throw GroundTruthError("ground truth file " + path.string() + ":" + std::to_string(reader.record_line()) +
                           ": header row: " + error);
  }

  constexpr std::size_t kAbsent = std::numeric_limits<std::size_t>::max();
  auto find_column = [&header](const std::string& name) {
    if (name.empty()) return kAbsent;
    auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) {
      it = std::find_if(header.begin(), header.end(),
                        [&name](const std::string& h) { return equal_ignoring_case(h, name); });
    }
    return it == header.end() ? kAbsent : static_cast<std::size_t>(it - header.begin());
  };
  struct Required {
    const char* field;
    const std::string& name;
    std::size_t index;
  };
  std::array<Required, 5> required{{{"src_ip", columns.src_ip, find_column(columns.src_ip)},
                                    {"src_port", columns.src_port, find_column(columns.src_port)},
                                    {"dst_ip", columns.dst_ip, find_column(columns.dst_ip)},
                                    {"dst_port", columns.dst_port, find_column(columns.dst_port)},
                                    {"protocol", columns.protocol, find_column(columns.protocol)}}};
  std::string missing;
  for (const Required& r : required) {
    if (r.index != kAbsent) continue;
    missing += (missing.empty() ? "'" : ", '") + r.name + "' (" + r.field + ")";
  }
  if (!missing.empty()) {
    throw GroundTruthError("ground truth file " + quoted_path(path) + " lacks required column " + missing +
                           " in its header row");
  }
  const std::size_t label_index = find_column(columns.label);
  const std::size_t category_index = find_column(columns.attack_cat);

  auto table = std::make_unique<Table>();
  table->has_label = label_index != kAbsent;
  table->has_attack_cat = category_index != kAbsent;
  GroundTruthReport& report = table->report;
  absl::flat_hash_map<std::string, std::uint32_t> category_ids;

  std::vector<std::string> fields;
  while (reader.next(fields, error)) {
    ++report.rows;
    auto reject = [&](const std::string& reason) {
      ++report.malformed;
      if (report.problems.size() < kMaxProblems) {
        report.problems.push_back(path.string() + ":" + std::to_string(reader.record_line()) + ": " + reason);
      }
    };
    if (!error.empty()) {
      reject(error);
      continue;
    }
    if (fields.size() != header.size()) {
      reject("expected " + std::to_string(header.size()) + " fields, found " + std::to_string(fields.size()));
      continue;
    }
    IpAddress src_ip;
    IpAddress dst_ip;
    std::uint64_t src_port = 0;
    std::uint64_t dst_port = 0;
    std::uint8_t protocol = 0;
    bool attack = true;
    const std::string& src_ip_text = fields[required[0].index];
    const std::string& src_port_text = fields[required[1].index];
    const std::string& dst_ip_text = fields[required[2].index];
    const std::string& dst_port_text = fields[required[3].index];
    const std::string& protocol_text = fields[required[4].index];
    if (!parse_address(src_ip_text, src_ip)) {
      reject("bad source address '" + src_ip_text + "'");
    } else if (!parse_unsigned(src_port_text, 65535, src_port)) {
      reject("bad source port '" + src_port_text + "'");
    } else if (!parse_address(dst_ip_text, dst_ip)) {
      reject("bad destination address '" + dst_ip_text + "'");
    } else if (!parse_unsigned(dst_port_text, 65535, dst_port)) {
      reject("bad destination port '" + dst_port_text + "'");
    } else if (!parse_protocol(protocol_text, protocol)) {
      reject("bad protocol '" + protocol_text + "'");
    } else if (table->has_label && fields[label_index].empty()) {
      reject("empty label");
    } else {
      // A label that is not a number is text: benign when it is a benign value, else an attack
      // named by it.
      std::string_view label_text;
      if (table->has_label && !parse_label(fields[label_index], attack)) {
        const std::string& text = fields[label_index];
        attack = std::find(columns.benign_values.begin(), columns.benign_values.end(), text) ==
                 columns.benign_values.end();
        if (attack) label_text = text;
      }
      ++report.loaded;
      if (!attack) continue;
      std::string_view category_text = label_text;
      if (category_index != kAbsent && !fields[category_index].empty()) category_text = fields[category_index];
      std::uint32_t category = kNoCategory;
      if (!category_text.empty()) {
        table->has_attack_cat = true;
        const auto [it, added] =
            category_ids.try_emplace(std::string(category_text), static_cast<std::uint32_t>(table->categories.size()));
        if (added) table->categories.push_back(category_of(category_text));
        category = it->second;
      }
      // try_emplace keeps the first attack row's category when the tuple is already known.
      table->attacks.try_emplace(TupleKey::of(src_ip, static_cast<std::uint16_t>(src_port), dst_ip,
                                              static_cast<std::uint16_t>(dst_port), protocol),
                                 category);
    }
  }
  if (reader.failed()) {
    throw GroundTruthError("error reading ground truth file " + quoted_path(path) + ": " + std::strerror(errno));
  }
  return GroundTruth(std::move(table));
}

LabelVerdict GroundTruth::verdict(const FlowRecord& flow) const noexcept {
  LabelVerdict verdict;
  const auto it =
      table_->attacks.find(TupleKey::of(flow.src_ip, flow.src_port, flow.dst_ip, flow.dst_port, flow.protocol));
  if (it == table_->attacks.end()) return verdict;
  verdict.label = 1;
  if (it->second != kNoCategory) verdict.attack_category = table_->categories[it->second];
  return verdict;
}

bool GroundTruth::has_label_column() const noexcept { return table_->has_label; }
bool GroundTruth::has_attack_cat() const noexcept { return table_->has_attack_cat; }
const GroundTruthReport& GroundTruth::report() const noexcept { return table_->report; }
std::size_t GroundTruth::size() const noexcept { return table_->attacks.size(); }

}  // namespace flowfeat
