#pragma once

#include <charconv>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "csv_text.hpp"
#include "flowfeat/core/flow_record.hpp"

namespace flowfeat::testing {

// The columns compared with the reference, by the reference CSV's names.
inline const std::vector<std::string>& compared_integer_columns() {
  static const std::vector<std::string> kColumns = {
      "expiration_id", "ip_version", "bidirectional_last_seen_ms", "bidirectional_duration_ms",
      "bidirectional_packets", "bidirectional_bytes", "src2dst_packets", "src2dst_bytes",
      "dst2src_packets", "dst2src_bytes"};
  return kColumns;
}

inline const std::vector<std::string>& compared_float_columns() {
  static const std::vector<std::string> kColumns = {
      "bidirectional_mean_ps", "bidirectional_stddev_ps", "src2dst_mean_ps", "src2dst_stddev_ps",
      "dst2src_mean_ps", "dst2src_stddev_ps", "bidirectional_mean_piat_ms", "bidirectional_stddev_piat_ms",
      "src2dst_mean_piat_ms", "src2dst_stddev_piat_ms", "dst2src_mean_piat_ms", "dst2src_stddev_piat_ms"};
  return kColumns;
}

// One flow as text columns, keyed by column name.
using FlowRow = std::map<std::string, std::string>;

// Identity used to pair flows: (src_ip, src_port, dst_ip, dst_port, protocol, vlan_id, tunnel_id, first_seen).
inline std::string match_key(const FlowRow& row) {
  return row.at("src_ip") + "|" + row.at("src_port") + "|" + row.at("dst_ip") + "|" + row.at("dst_port") + "|" +
         row.at("protocol") + "|" + row.at("vlan_id") + "|" + row.at("tunnel_id") + "|" +
         row.at("bidirectional_first_seen_ms");
}

// Reads a CSV file with a header row into rows keyed by column name.
inline std::vector<FlowRow> read_csv_rows(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  const std::vector<std::vector<std::string>> lines = parse_csv_text(text.str());
  std::vector<FlowRow> rows;
  for (std::size_t r = 1; r < lines.size(); ++r) {
    FlowRow row;
    for (std::size_t i = 0; i < lines[0].size() && i < lines[r].size(); ++i) row[lines[0][i]] = lines[r][i];
    rows.push_back(std::move(row));
  }
  return rows;
}

inline std::string format_double(double value) {
  char text[64];
  auto result = std::to_chars(text, text + sizeof(text), value);
  return std::string(text, result.ptr);
}

// A flowfeat record in the reference's column names, for comparison.
inline FlowRow to_row(const FlowRecord& r) {
  FlowRow row;
  row["src_ip"] = r.src_ip.to_string();
  row["dst_ip"] = r.dst_ip.to_string();
  row["src_port"] = std::to_string(r.src_port);
  row["dst_port"] = std::to_string(r.dst_port);
  row["protocol"] = std::to_string(r.protocol);
  row["ip_version"] = std::to_string(r.ip_version);
  row["vlan_id"] = std::to_string(r.vlan_id);
  row["tunnel_id"] = std::to_string(static_cast<int>(r.tunnel));
  row["application_name"] = std::string(r.application());
  row["bidirectional_first_seen_ms"] = std::to_string(r.bidirectional_first_seen_ms);
  row["bidirectional_last_seen_ms"] = std::to_string(r.bidirectional_last_seen_ms);
  row["bidirectional_duration_ms"] = std::to_string(r.bidirectional_duration_ms());
  row["bidirectional_packets"] = std::to_string(r.bidirectional_packets);
  row["bidirectional_bytes"] = std::to_string(r.bidirectional_bytes);
  row["src2dst_packets"] = std::to_string(r.src2dst_packets);
  row["src2dst_bytes"] = std::to_string(r.src2dst_bytes);
  row["dst2src_packets"] = std::to_string(r.dst2src_packets);
  row["dst2src_bytes"] = std::to_string(r.dst2src_bytes);
  row["expiration_id"] = std::to_string(static_cast<int>(r.expiration));
  const std::pair<const char*, MeanStddev> stats[] = {
      {"bidirectional_%s_ps", r.bidirectional_ps},        {"src2dst_%s_ps", r.src2dst_ps},
      {"dst2src_%s_ps", r.dst2src_ps},                    {"bidirectional_%s_piat_ms", r.bidirectional_piat_ms},
      {"src2dst_%s_piat_ms", r.src2dst_piat_ms},          {"dst2src_%s_piat_ms", r.dst2src_piat_ms}};
  for (const auto& [pattern, value] : stats) {
    char name[64];
    std::snprintf(name, sizeof(name), pattern, "mean");
    row[name] = format_double(value.mean);
    std::snprintf(name, sizeof(name), pattern, "stddev");
    row[name] = format_double(value.stddev);
  }
  return row;
}

// Bit-exact comparison of two float texts ("68.0" and "68" are the same double).
inline bool same_double(const std::string& a, const std::string& b) {
  const double x = std::strtod(a.c_str(), nullptr);
  const double y = std::strtod(b.c_str(), nullptr);
  return std::memcmp(&x, &y, sizeof(double)) == 0;
}

// Differences between our flows and the reference's for one capture.
struct FlowComparison {
  std::size_t reference_flows = 0;
  std::size_t our_flows = 0;
  std::size_t matched = 0;
  std::size_t application_agreements = 0;
  std::vector<std::string> differences;  // human-readable, one per problem

  bool identical() const { return differences.empty(); }
};

inline FlowComparison compare_flows(const std::vector<FlowRow>& reference, const std::vector<FlowRow>& ours) {
  FlowComparison result;
  result.reference_flows = reference.size();
  result.our_flows = ours.size();
  std::multimap<std::string, const FlowRow*> by_key;
  for (const FlowRow& row : ours) by_key.emplace(match_key(row), &row);
  for (const FlowRow& expected : reference) {
    const std::string key = match_key(expected);
    auto it = by_key.find(key);
    if (it == by_key.end()) {
      result.differences.push_back("missing flow " + key + " (" + expected.at("bidirectional_packets") + " packets)");
      continue;
    }
    const FlowRow& actual = *it->second;
    ++result.matched;
    for (const std::string& column : compared_integer_columns()) {
      if (expected.at(column) != actual.at(column)) {
        result.differences.push_back(key + ": " + column + " reference " + expected.at(column) + " ours " + actual.at(column));
      }
    }
    for (const std::string& column : compared_float_columns()) {
      if (!same_double(expected.at(column), actual.at(column))) {
        result.differences.push_back(key + ": " + column + " reference " + expected.at(column) + " ours " + actual.at(column));
      }
    }
    if (expected.at("application_name") == actual.at("application_name")) ++result.application_agreements;
    by_key.erase(it);
  }
  for (const auto& [key, row] : by_key) {
    result.differences.push_back("extra flow " + key + " (" + row->at("bidirectional_packets") + " packets)");
  }
  return result;
}

}  // namespace flowfeat::testing
