#include "flowfeat/sink/schema.hpp"

#include <cstdint>
#include <cstdio>

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace flowfeat {

std::string_view to_string(ColumnType type) noexcept {
  switch (type) {
    case ColumnType::kString:
      return "string";
    case ColumnType::kUint:
      return "uint";
    case ColumnType::kFloat:
      return "float";
  }
  return "unknown";
}

std::string_view to_string(ColumnGroup group) noexcept {
  switch (group) {
    case ColumnGroup::kIdentity:
      return "identity";
    case ColumnGroup::kCounters:
      return "counters";
    case ColumnGroup::kStatistics:
      return "statistics";
    case ColumnGroup::kExpiration:
      return "expiration";
    case ColumnGroup::kFan:
      return "fan";
    case ColumnGroup::kLabel:
      return "label";
    case ColumnGroup::kEncoding:
      return "encoding";
    case ColumnGroup::kDerived:
      return "derived";
    case ColumnGroup::kStandardized:
      return "standardized";
    case ColumnGroup::kSensor:
      return "sensor";
  }
  return "unknown";
}

Schema::Schema(std::vector<Column> columns) {
  columns_.reserve(columns.size());
  for (Column& column : columns) {
    append(std::move(column));
  }
}

Schema Schema::flow_record() {
  using enum ColumnType;
  using G = ColumnGroup;
  // Names and order are the seed notebook's (FEATURES.md section 2).
  return Schema({
      {"src_ip", kString, G::kIdentity, "IP address of the sender of the flow's first packet"},
      {"dst_ip", kString, G::kIdentity, "IP address of the receiver of the flow's first packet"},
      {"src_port", kUint, G::kIdentity, "transport source port; 0 for protocols without ports"},
      {"dst_port", kUint, G::kIdentity,
       "transport destination port; 0 for protocols without ports"},
      {"protocol", kUint, G::kIdentity,
       "IP protocol number of the innermost IP header (6 TCP, 17 UDP, ...)"},
      {"ip_version", kUint, G::kIdentity, "IP version, 4 or 6"},
      {"vlan_id", kUint, G::kIdentity, "innermost 802.1Q VLAN id; 0 when untagged"},
      {"tunnel_id", kUint, G::kIdentity, "tunnel decapsulated: 0 none, 1 GTP-U, 2 CAPWAP, 3 TZSP"},
      {"application_name", kString, G::kIdentity,
       "nDPI application, \"Master.App\" or one of them; Unknown if not found"},
      {"bidirectional_packets", kUint, G::kCounters, "packets in both directions"},
      {"bidirectional_bytes", kUint, G::kCounters,
       "bytes in both directions, original wire length including the link header"},
      {"bidirectional_first_seen_ms", kUint, G::kCounters,
       "time of the first packet, ms since the Unix epoch (packet time)"},
      {"bidirectional_last_seen_ms", kUint, G::kCounters,
       "time of the last packet, ms since the Unix epoch (packet time)"},
      {"bidirectional_duration_ms", kUint, G::kCounters, "last_seen - first_seen, ms"},
      {"src2dst_packets", kUint, G::kCounters, "packets from src to dst"},
      {"src2dst_bytes", kUint, G::kCounters, "bytes from src to dst, wire length"},
      {"dst2src_packets", kUint, G::kCounters, "packets from dst to src"},
      {"dst2src_bytes", kUint, G::kCounters, "bytes from dst to src, wire length"},
      {"bidirectional_mean_ps", kFloat, G::kStatistics,
       "mean packet size in both directions, bytes"},
      {"bidirectional_stddev_ps", kFloat, G::kStatistics,
       "sample standard deviation of packet size in both directions, bytes"},
      {"src2dst_mean_ps", kFloat, G::kStatistics, "mean packet size from src to dst, bytes"},
      {"src2dst_stddev_ps", kFloat, G::kStatistics,
       "sample standard deviation of packet size from src to dst, bytes"},
      {"dst2src_mean_ps", kFloat, G::kStatistics, "mean packet size from dst to src, bytes"},
      {"dst2src_stddev_ps", kFloat, G::kStatistics,
       "sample standard deviation of packet size from dst to src, bytes"},
      {"bidirectional_mean_piat_ms", kFloat, G::kStatistics,
       "mean packet inter-arrival time in both directions, ms"},
      {"bidirectional_stddev_piat_ms", kFloat, G::kStatistics,
       "sample standard deviation of packet inter-arrival time in both directions, ms"},
      {"src2dst_mean_piat_ms", kFloat, G::kStatistics,
       "mean packet inter-arrival time from src to dst, ms"},
      {"src2dst_stddev_piat_ms", kFloat, G::kStatistics,
       "sample standard deviation of packet inter-arrival time from src to dst, ms"},
      {"dst2src_mean_piat_ms", kFloat, G::kStatistics,
       "mean packet inter-arrival time from dst to src, ms"},
      {"dst2src_stddev_piat_ms", kFloat, G::kStatistics,
       "sample standard deviation of packet inter-arrival time from dst to src, ms"},
      {"expiration_id", kUint, G::kExpiration,
       "why the flow ended: 0 idle or end of input, 1 active timeout, 2 evicted under memory "
       "pressure"},
  });
}

void Schema::append(Column column) {
  if (column.name.empty()) {
    throw std::invalid_argument("schema column name is empty");
  }
  if (column.name.find_first_of(",\"\r\n") != std::string::npos) {
    throw std::invalid_argument("schema column name needs CSV quoting: " + column.name);
  }
  if (index_of(column.name)) {
    throw std::invalid_argument("duplicate schema column: " + column.name);
  }
  columns_.push_back(std::move(column));
}

std::optional<std::size_t> Schema::index_of(std::string_view name) const noexcept {
  const auto it = std::find_if(columns_.begin(), columns_.end(),
                               [name](const Column& c) { return c.name == name; });
  if (it == columns_.end()) {
    return std::nullopt;
  }
  return static_cast<std::size_t>(it - columns_.begin());
}

std::string Schema::csv_header() const {
  std::string header;
  for (const Column& column : columns_) {
    if (!header.empty()) {
      header += ',';
    }
    header += column.name;
  }
  return header;
}

std::string Schema::to_text() const {
  std::size_t name_width = 0;
  std::size_t type_width = 0;
  for (const Column& column : columns_) {
    name_width = std::max(name_width, column.name.size());
    type_width = std::max(type_width, to_string(column.type).size());
  }
  std::string text;
  for (const Column& column : columns_) {
    const std::string_view type = to_string(column.type);
    text += column.name;
    text.append(name_width - column.name.size() + 2, ' ');
    text += type;
    text.append(type_width - type.size() + 2, ' ');
    text += column.description;
    text += '\n';
  }
  return text;
}

namespace {

// A '|' inside a cell would end it.
std::string markdown_cell(std::string_view text) {
  std::string cell;
  cell.reserve(text.size());
  for (const char c : text) {
    if (c == '|') {
      cell += '\\';
    }
    cell += c;
  }
  return cell;
}

}  // namespace

std::string Schema::to_markdown() const {
  std::string table = "| # | column | type | group | description |\n|---:|---|---|---|---|\n";
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    const Column& column = columns_[i];
    table += "| " + std::to_string(i + 1) + " | `" + column.name + "` | " +
             std::string(to_string(column.type)) + " | " + std::string(to_string(column.group)) +
             " | " + markdown_cell(column.description) + " |\n";
  }
  return table;
}

std::string Schema::fingerprint() const {
  // FNV-1a over "name:type\n" of every column: stable across builds and platforms.
  std::uint64_t hash = 0xcbf29ce484222325ull;
  const auto mix = [&hash](std::string_view text) {
    for (const char c : text) {
      hash ^= static_cast<unsigned char>(c);
      hash *= 0x100000001b3ull;
    }
  };
  for (const Column& column : columns_) {
    mix(column.name);
    mix(":");
    mix(to_string(column.type));
    mix("\n");
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

}  // namespace flowfeat
