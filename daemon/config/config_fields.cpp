#include "config_fields.hpp"

#include "flowfeat/core/sensor_id.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <limits>

namespace flowfeat::config_detail {
namespace {

constexpr std::uint64_t max_timeout_ms = 86'400'000;  // one day
constexpr std::uint64_t max_flows_limit = 100'000'000;
constexpr std::uint64_t max_dpi_packets = 255;
constexpr std::uint64_t max_workers = 64;
constexpr std::uint64_t max_queue_batches = 4096;
constexpr std::uint64_t max_window_span_ms = 3'600'000;  // one hour
constexpr std::uint64_t max_window_flows = 1'000'000'000;
constexpr std::uint64_t max_records = 1'000'000'000'000;
constexpr std::uint64_t max_protocols = 40;  // one-hot bits left beside the IP and port classes
constexpr std::uint64_t max_replay_speed_milli = 1'000'000;  // 1000 times the recorded pace
constexpr std::uint64_t max_capture_threads = 16;
constexpr std::uint64_t max_buffer_mib = 4096;
constexpr std::uint64_t max_capture_timeout_ms = 10'000;

struct Decimal {
  bool negative = false;
  bool overflow = false;
  bool too_precise = false;  // nonzero digits beyond the requested decimals
  std::uint64_t scaled = 0;  // value * 10^decimals
};

// Parses [-]digits[.digits]; nullopt when the text is not written that way (exponents, units and
// hex are refused so a value means the same to every reader).
std::optional<Decimal> parse_decimal(std::string_view text, int decimals) {
  Decimal d;
  std::size_t i = 0;
  if (i < text.size() && text[i] == '-') {
    d.negative = true;
    ++i;
  }
  constexpr std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() / 10;
  auto push_digit = [&](char c) {
    if (d.scaled > limit) {
      d.overflow = true;
      return;
    }
    d.scaled = d.scaled * 10 + static_cast<std::uint64_t>(c - '0');
  };
  std::size_t int_digits = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++int_digits) push_digit(text[i]);
  if (int_digits == 0) return std::nullopt;
  int frac_digits = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    std::size_t start = i;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      if (frac_digits < decimals) {
        push_digit(text[i]);
        ++frac_digits;
      } else if (text[i] != '0') {
        d.too_precise = true;
      }
    }
    if (i == start) return std::nullopt;
  }
  if (i != text.size()) return std::nullopt;
  for (; frac_digits < decimals; ++frac_digits) {
    if (d.scaled > limit) d.overflow = true;
    else d.scaled *= 10;
  }
  return d;
}

std::optional<std::string> out_of_range(std::string_view text) { return quote(text) + " is out of range"; }

std::optional<std::string> parse_seconds(std::string_view text, std::uint64_t& out_ms) {
  std::optional<Decimal> d = parse_decimal(text, 3);
  if (!d) return "expected a number of seconds, got " + quote(text);
  if (d->too_precise) return quote(text) + " is finer than a millisecond";
  if (d->negative || d->overflow || d->scaled == 0 || d->scaled > max_timeout_ms) return out_of_range(text);
  out_ms = d->scaled;
  return std::nullopt;
}

template <typename T>
std::optional<std::string> parse_count(std::string_view text, std::uint64_t max, T& out) {
  std::optional<Decimal> d = parse_decimal(text, 0);
  if (!d || text.find('.') != std::string_view::npos) {
    return "expected a whole number, got " + quote(text);
  }
  if (d->negative || d->overflow || d->scaled == 0 || d->scaled > max) return out_of_range(text);
  out = static_cast<T>(d->scaled);
  return std::nullopt;
}

// YAML 1.2 core booleans only: "yes", "on" and friends are YAML 1.1 and read differently by
// different tools.
std::optional<std::string> parse_bool(std::string_view text, bool& out) {
  for (std::string_view t : {"true", "True", "TRUE"}) {
    if (text == t) {
      out = true;
      return std::nullopt;
    }
  }
  for (std::string_view f : {"false", "False", "FALSE"}) {
    if (text == f) {
      out = false;
      return std::nullopt;
    }
  }
  return "expected true or false, got " + quote(text);
}

std::optional<std::string> parse_choice(std::string_view text, std::initializer_list<std::string_view> choices,
                                        std::string& out) {
  for (std::string_view c : choices) {
    if (text == c) {
      out = std::string(text);
      return std::nullopt;
    }
  }
  return quote(text) + " is not a valid value";
}

// A whole number in [min, max]; unlike parse_count, 0 can be allowed (it means "off" or "automatic").
template <typename T>
std::optional<std::string> parse_range(std::string_view text, std::uint64_t min, std::uint64_t max, T& out) {
  std::optional<Decimal> d = parse_decimal(text, 0);
  if (!d || text.find('.') != std::string_view::npos) {
    return "expected a whole number, got " + quote(text);
  }
  if (d->negative || d->overflow || d->scaled < min || d->scaled > max) return out_of_range(text);
  out = static_cast<T>(d->scaled);
  return std::nullopt;
}

// Seconds where 0 switches the feature off.
std::optional<std::string> parse_seconds_or_off(std::string_view text, std::uint64_t& out_ms) {
  if (text == "0") {
    out_ms = 0;
    return std::nullopt;
  }
  return parse_seconds(text, out_ms);
}

// host:port; port 0 lets the system choose.
std::optional<std::string> parse_listen_address(std::string_view text, std::string& out) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return "expected host:port, got " + quote(text);
  std::uint32_t port = 0;
  if (parse_range(text.substr(colon + 1), 0, 65535, port)) return "expected host:port, got " + quote(text);
  out = std::string(text);
  return std::nullopt;
}

// A speed factor with up to three decimals; 0 = as fast as possible.
std::optional<std::string> parse_speed(std::string_view text, double& out) {
  std::optional<Decimal> d = parse_decimal(text, 3);
  if (!d) return "expected a number, got " + quote(text);
  if (d->too_precise) return quote(text) + " has more than three decimals";
  if (d->negative || d->overflow || d->scaled > max_replay_speed_milli) return out_of_range(text);
  out = static_cast<double>(d->scaled) / 1000.0;
  return std::nullopt;
}

// Seconds up to a limit of its own.
std::optional<std::string> parse_seconds_up_to(std::string_view text, std::uint64_t max_ms, std::uint64_t& out_ms) {
  std::uint64_t ms = 0;
  if (auto problem = parse_seconds(text, ms)) return problem;
  if (ms > max_ms) return out_of_range(text);
  out_ms = ms;
  return std::nullopt;
}

// Seconds up to a limit, where 0 is allowed too.
std::optional<std::string> parse_seconds_or_off_up_to(std::string_view text, std::uint64_t max_ms,
                                                      std::uint64_t& out_ms) {
  std::uint64_t ms = 0;
  if (auto problem = parse_seconds_or_off(text, ms)) return problem;
  if (ms > max_ms) return out_of_range(text);
  out_ms = ms;
  return std::nullopt;
}

// Linux interface names as the kernel accepts them: 1..15 bytes, not "." or "..", no '/', ':' or whitespace.
std::optional<std::string> parse_interface(std::string_view text, std::string& out) {
  if (text.empty() || text.size() > 15) return quote(text) + " is not an interface name (1..15 characters)";
  if (text == "." || text == "..") return quote(text) + " is not an interface name";
  for (char c : text) {
    if (c == '/' || c == ' ' || c == ':' || static_cast<unsigned char>(c) <= 0x20) {
      return quote(text) + " is not an interface name";
    }
  }
  out = std::string(text);
  return std::nullopt;
}

// Any text, the empty one included (it means "none").
std::optional<std::string> take_text(std::string_view text, std::string& out) {
  out = std::string(text);
  return std::nullopt;
}

std::optional<std::string> parse_name(std::string_view text, std::string& out) {
  if (text.empty()) return "expected a name, got an empty string";
  out = std::string(text);
  return std::nullopt;
}

std::optional<std::string> parse_path(std::string_view text, std::string& out) {
  if (text.empty()) return "expected a path, got an empty string";
  out = std::string(text);
  return std::nullopt;
}

// host:port[,host:port...], as bootstrap.servers takes it; empty = none given yet.
std::optional<std::string> parse_brokers(std::string_view text, std::string& out) {
  std::size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string_view broker = text.substr(start, comma - start);
    const std::size_t colon = broker.rfind(':');
    std::uint32_t port = 0;
    if (colon == std::string_view::npos || colon == 0 || parse_range(broker.substr(colon + 1), 1, 65535, port)) {
      return "expected host:port[,host:port...], got " + quote(text);
    }
    start = comma + 1;
  }
  out = std::string(text);
  return std::nullopt;
}

// A librdkafka property as "name=value": a dotted lower-case name and any value.
std::optional<std::string> parse_property(std::string_view text, std::vector<std::string>& out) {
  const std::size_t equals = text.find('=');
  if (equals == std::string_view::npos || equals == 0) return "expected name=value, got " + quote(text);
  for (char c : text.substr(0, equals)) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_')) {
      return quote(text.substr(0, equals)) + " is not a property name";
    }
  }
  out.emplace_back(text);
  return std::nullopt;
}

// A basic auth user as "name=hash": a user name HTTP basic auth can carry (no ':', no '=' here)
// and a hash, checked when the endpoint starts (--check-config too).
std::optional<std::string> parse_user(std::string_view text, std::map<std::string, std::string>& out) {
  const std::size_t equals = text.find('=');
  if (equals == std::string_view::npos || equals == 0) return "expected user: password hash, got " + quote(text);
  const std::string_view user = text.substr(0, equals);
  if (user.find(':') != std::string_view::npos) return quote(user) + " is not a user name (no ':')";
  if (equals + 1 == text.size()) return quote(user) + " has an empty password hash";
  out[std::string(user)] = std::string(text.substr(equals + 1));
  return std::nullopt;
}

// Whole seconds: the HTTP server's timeouts have no finer grain.
std::optional<std::string> parse_whole_seconds(std::string_view text, std::uint64_t max_s, std::uint32_t& out) {
  std::uint64_t ms = 0;
  if (auto problem = parse_seconds(text, ms)) return problem;
  if (ms % 1000 != 0) return quote(text) + " is not a whole number of seconds";
  if (ms / 1000 > max_s) return out_of_range(text);
  out = static_cast<std::uint32_t>(ms / 1000);
  return std::nullopt;
}

// Empty (the host name) or a sensor id.
std::optional<std::string> parse_sensor_id(std::string_view text, std::string& out) {
  if (!text.empty() && !is_sensor_id(text)) return quote(text) + " is not a sensor id";
  out = std::string(text);
  return std::nullopt;
}

constexpr std::array<Field, 83> field_table{{
    {"flows.idle_timeout", ValueType::seconds, "0.001..86400 seconds",
     [](Config& c, std::string_view t) { return parse_seconds(t, c.flows.idle_timeout_ms); }},
    {"flows.active_timeout", ValueType::seconds, "0.001..86400 seconds",
     [](Config& c, std::string_view t) { return parse_seconds(t, c.flows.active_timeout_ms); }},
    {"flows.max_flows", ValueType::count, "1..100000000",
     [](Config& c, std::string_view t) { return parse_count(t, max_flows_limit, c.flows.max_flows); }},
    {"flows.decode_tunnels", ValueType::boolean, "true, false",
     [](Config& c, std::string_view t) { return parse_bool(t, c.flows.decode_tunnels); }},
    {"flows.reference_quirks", ValueType::boolean, "true, false",
     [](Config& c, std::string_view t) { return parse_bool(t, c.flows.reference_quirks); }},
    {"flows.dpi.enabled", ValueType::boolean, "true, false",
     [](Config& c, std::string_view t) { return parse_bool(t, c.flows.dpi_enabled); }},
    {"flows.dpi.packets", ValueType::count, "1..255",
     [](Config& c, std::string_view t) { return parse_count(t, max_dpi_packets, c.flows.dpi_packets); }},
    {"input.files", ValueType::text_list, "a list of capture files or folders",
     [](Config& c, std::string_view t) -> std::optional<std::string> {
       std::string path;
       if (auto problem = parse_path(t, path)) return problem;
       c.input.files.push_back(std::move(path));
       return std::nullopt;
     },
     [](Config& c) { c.input.files.clear(); }},
    {"input.progress", ValueType::text, "auto, always, never",
     [](Config& c, std::string_view t) { return parse_choice(t, {"auto", "always", "never"}, c.input.progress); }},
    {"input.replay_speed", ValueType::text, "0..1000, 0 = as fast as possible, 1 = the recorded pace",
     [](Config& c, std::string_view t) { return parse_speed(t, c.input.replay_speed); }},
    {"capture.interfaces", ValueType::text_list, "a list of interface names",
     [](Config& c, std::string_view t) -> std::optional<std::string> {
       std::string name;
       if (auto problem = parse_interface(t, name)) return problem;
       c.capture.interfaces.push_back(std::move(name));
       return std::nullopt;
     },
     [](Config& c) { c.capture.interfaces.clear(); }},
    {"capture.threads", ValueType::count, "1..16",
     [](Config& c, std::string_view t) { return parse_count(t, max_capture_threads, c.capture.threads); }},
    {"capture.fanout_defrag", ValueType::boolean, "true, false",
     [](Config& c, std::string_view t) { return parse_bool(t, c.capture.fanout_defrag); }},
    {"capture.snaplen", ValueType::count, "64..262144 bytes",
     [](Config& c, std::string_view t) { return parse_range(t, 64, 262144, c.capture.snaplen); }},
    {"capture.buffer_mib", ValueType::count, "1..4096 MiB",
     [](Config& c, std::string_view t) { return parse_count(t, max_buffer_mib, c.capture.buffer_mib); }},
    {"capture.promiscuous", ValueType::boolean, "true, false",
     [](Config& c, std::string_view t) { return parse_bool(t, c.capture.promiscuous); }},
    {"capture.immediate", ValueType::boolean, "true, false",
     [](Config& c, std::string_view t) { return parse_bool(t, c.capture.immediate); }},
    {"capture.filter", ValueType::text, "a BPF expression (pcap-filter(7)), empty = every frame",
     [](Config& c, std::string_view t) { return take_text(t, c.capture.filter); }},
    {"capture.timeout", ValueType::seconds, "0.001..10 seconds",
     [](Config& c, std::string_view t) { return parse_seconds_up_to(t, max_capture_timeout_ms, c.capture.timeout_ms); }},
    {"capture.on_full", ValueType::text, "wait, drop",
     [](Config& c, std::string_view t) { return parse_choice(t, {"wait", "drop"}, c.capture.on_full); }},
    {"pipeline.workers", ValueType::count, "0..64, 0 = one per core",
     [](Config& c, std::string_view t) { return parse_range(t, 0, max_workers, c.pipeline.workers); }},
    {"pipeline.queue_batches", ValueType::count, "1..4096",
     [](Config& c, std::string_view t) { return parse_range(t, 1, max_queue_batches, c.pipeline.queue_batches); }},
    {"window.span", ValueType::seconds, "0.002..3600 seconds",
     [](Config& c, std::string_view t) -> std::optional<std::string> {
       std::uint64_t ms = 0;
       if (auto problem = parse_seconds(t, ms)) return problem;
       if (ms < 2 || ms > max_window_span_ms || ms % 2 != 0) {
         return quote(t) + " is out of range or not a whole number of milliseconds on each side";
       }
       c.window.span_ms = ms;
       return std::nullopt;
     }},
    {"window.max_flows", ValueType::count, "1..1000000000",
     [](Config& c, std::string_view t) { return parse_range(t, 1, max_window_flows, c.window.max_flows); }},
    {"labels.file", ValueType::text, "a path, or empty for no labels",
     [](Config& c, std::string_view t) { return take_text(t, c.labels.file); }},
    {"labels.format", ValueType::text, "custom, unsw-nb15, cic-ids",
     [](Config& c, std::string_view t) { return parse_choice(t, {"custom", "unsw-nb15", "cic-ids"}, c.labels.format); }},
    {"labels.header", ValueType::boolean, "true, false",
     [](Config& c, std::string_view t) { return parse_bool(t, c.labels.header); }},
    {"labels.columns.src_ip", ValueType::text, "a column name",
     [](Config& c, std::string_view t) { return parse_name(t, c.labels.src_ip); }},
    {"labels.columns.src_port", ValueType::text, "a column name",
     [](Config& c, std::string_view t) { return parse_name(t, c.labels.src_port); }},
    {"labels.columns.dst_ip", ValueType::text, "a column name",
     [](Config& c, std::string_view t) { return parse_name(t, c.labels.dst_ip); }},
    {"labels.columns.dst_port", ValueType::text, "a column name",
     [](Config& c, std::string_view t) { return parse_name(t, c.labels.dst_port); }},
    {"labels.columns.protocol", ValueType::text, "a column name",
     [](Config& c, std::string_view t) { return parse_name(t, c.labels.protocol); }},
    {"labels.columns.label", ValueType::text, "a column name",
     [](Config& c, std::string_view t) { return parse_name(t, c.labels.label); }},
    {"labels.columns.attack_cat", ValueType::text, "a column name",
     [](Config& c, std::string_view t) { return parse_name(t, c.labels.attack_cat); }},
    {"labels.columns.start_time", ValueType::text, "a column name, or empty for none",
     [](Config& c, std::string_view t) { return take_text(t, c.labels.start_time); }},
    {"labels.columns.end_time", ValueType::text, "a column name, or empty for none",
     [](Config& c, std::string_view t) { return take_text(t, c.labels.end_time); }},
    {"labels.time_format", ValueType::text, "unix, unix_ms, or a strptime pattern such as %d/%m/%Y %H:%M:%S",
     [](Config& c, std::string_view t) -> std::optional<std::string> {
       if (t.empty()) return std::string("expected a time format, got an empty string");
       c.labels.time_format = std::string(t);
       return std::nullopt;
     }},
    {"labels.time_zone", ValueType::text, "UTC, UTC+HH[:MM], UTC-HH[:MM], an IANA name (Europe/Paris), or empty",
     [](Config& c, std::string_view t) { return take_text(t, c.labels.time_zone); }},
    {"labels.time_tolerance", ValueType::seconds, "0..86400 seconds",
     [](Config& c, std::string_view t) { return parse_seconds_or_off(t, c.labels.time_tolerance_ms); }},
    {"labels.benign_values", ValueType::text_list, "label texts, at most 64",
     [](Config& c, std::string_view t) -> std::optional<std::string> {
       if (t.empty()) return std::string("expected a label text, got an empty string");
       if (c.labels.benign_values.size() >= 64) return std::string("more than 64 values");
       c.labels.benign_values.emplace_back(t);
       return std::nullopt;
     },
     [](Config& c) { c.labels.benign_values.clear(); }},
    {"features.protocols", ValueType::text_list, "IP protocol numbers 0..255, at most 40, no repeats",
     [](Config& c, std::string_view t) -> std::optional<std::string> {
       std::uint8_t protocol = 0;
       if (auto problem = parse_range(t, 0, 255, protocol)) return problem;
       for (const std::uint8_t p : c.features.protocols) {
         if (p == protocol) return quote(t) + " is listed twice";
       }
       if (c.features.protocols.size() >= max_protocols) return "more than 40 protocols";
       c.features.protocols.push_back(protocol);
       return std::nullopt;
     },
     [](Config& c) { c.features.protocols.clear(); }},
    {"features.quantile_warmup", ValueType::count, "0..1000000000000 records",
     [](Config& c, std::string_view t) { return parse_range(t, 0, max_records, c.features.quantile_warmup); }},
    {"standardize.mode", ValueType::text, "running, frozen, ewm, off",
     [](Config& c, std::string_view t) {
       return parse_choice(t, {"running", "frozen", "ewm", "off"}, c.standardize.mode);
     }},
    {"standardize.columns", ValueType::text_list, "numeric column names of the record, at most 64",
     [](Config& c, std::string_view t) -> std::optional<std::string> {
       std::string name;
       if (auto problem = parse_name(t, name)) return problem;
       for (const std::string& n : c.standardize.columns) {
         if (n == name) return quote(t) + " is listed twice";
       }
       if (c.standardize.columns.size() >= 64) return "more than 64 columns";
       c.standardize.columns.push_back(std::move(name));
       return std::nullopt;
     },
     [](Config& c) { c.standardize.columns.clear(); }},
    {"standardize.half_life", ValueType::count, "1..1000000000000 records",
     [](Config& c, std::string_view t) { return parse_range(t, 1, max_records, c.standardize.half_life_records); }},
    {"standardize.state_file", ValueType::text, "a path, or empty for <output.directory>/standardizer.state",
     [](Config& c, std::string_view t) { return take_text(t, c.standardize.state_file); }},
    {"standardize.save_interval", ValueType::seconds, "0.001..86400 seconds",
     [](Config& c, std::string_view t) { return parse_seconds(t, c.standardize.save_interval_ms); }},
    {"output.files", ValueType::boolean, "true, false",
     [](Config& c, std::string_view t) { return parse_bool(t, c.output.files); }},
    {"output.directory", ValueType::text, "a non-empty path",
     [](Config& c, std::string_view t) { return parse_path(t, c.output.directory); }},
    {"output.columns", ValueType::text, "all, flow",
     [](Config& c, std::string_view t) { return parse_choice(t, {"all", "flow"}, c.output.columns); }},
    {"output.on_write_error", ValueType::text, "wait, drop",
     [](Config& c, std::string_view t) { return parse_choice(t, {"wait", "drop"}, c.output.on_write_error); }},
    {"output.format", ValueType::text, "csv, jsonl",
     [](Config& c, std::string_view t) { return parse_choice(t, {"csv", "jsonl"}, c.output.format); }},
    {"output.compression", ValueType::text, "none, gzip",
     [](Config& c, std::string_view t) { return parse_choice(t, {"none", "gzip"}, c.output.compression); }},
    {"output.rotate_bytes", ValueType::count, "0..1000000000000 bytes, 0 = no size rotation",
     [](Config& c, std::string_view t) { return parse_range(t, 0, max_records, c.output.rotate_bytes); }},
    {"output.rotate_age", ValueType::seconds, "0..86400 seconds, 0 = no age rotation",
     [](Config& c, std::string_view t) { return parse_seconds_or_off(t, c.output.rotate_age_ms); }},
    {"output.keep_files", ValueType::count, "0..1000000000000 files, 0 = keep all",
     [](Config& c, std::string_view t) { return parse_range(t, 0, max_records, c.output.keep_files); }},
    {"output.keep_bytes", ValueType::count, "0..1000000000000000 bytes, 0 = keep all",
     [](Config& c, std::string_view t) { return parse_range(t, 0, max_records * 1000, c.output.keep_bytes); }},
    {"output.kafka.enabled", ValueType::boolean, "true, false",
     [](Config& c, std::string_view t) { return parse_bool(t, c.output.kafka.enabled); }},
    {"output.kafka.brokers", ValueType::text, "host:port[,host:port...], empty = none",
     [](Config& c, std::string_view t) { return parse_brokers(t, c.output.kafka.brokers); }},
    {"output.kafka.topic", ValueType::text, "a topic name: 1..249 of a-z A-Z 0-9 . _ -",
     [](Config& c, std::string_view t) -> std::optional<std::string> {
       if (t.empty() || t.size() > 249 || t == "." || t == "..") return quote(t) + " is not a topic name";
       for (char ch : t) {
         const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                         ch == '.' || ch == '_' || ch == '-';
         if (!ok) return quote(t) + " is not a topic name";
       }
       c.output.kafka.topic = std::string(t);
       return std::nullopt;
     }},
    {"output.kafka.key", ValueType::text, "src_ip, dst_ip, flow, none",
     [](Config& c, std::string_view t) {
       return parse_choice(t, {"src_ip", "dst_ip", "flow", "none"}, c.output.kafka.key);
     }},
    {"output.kafka.compression", ValueType::text, "zstd, lz4, snappy, gzip, none",
     [](Config& c, std::string_view t) {
       return parse_choice(t, {"zstd", "lz4", "snappy", "gzip", "none"}, c.output.kafka.compression);
     }},
    {"output.kafka.linger", ValueType::seconds, "0..900 seconds",
     [](Config& c, std::string_view t) { return parse_seconds_or_off_up_to(t, 900'000, c.output.kafka.linger_ms); }},
    {"output.kafka.batch_bytes", ValueType::count, "1..2147483647 bytes",
     [](Config& c, std::string_view t) { return parse_range(t, 1, 2'147'483'647, c.output.kafka.batch_bytes); }},
    {"output.kafka.queue_messages", ValueType::count, "1..2147483647 messages",
     [](Config& c, std::string_view t) {
       return parse_range(t, 1, 2'147'483'647, c.output.kafka.queue_messages);
     }},
    {"output.kafka.max_wait", ValueType::seconds, "0..3600 seconds",
     [](Config& c, std::string_view t) {
       return parse_seconds_or_off_up_to(t, 3'600'000, c.output.kafka.max_wait_ms);
     }},
    {"output.kafka.connect_timeout", ValueType::seconds, "0.001..86400 seconds",
     [](Config& c, std::string_view t) { return parse_seconds(t, c.output.kafka.connect_timeout_ms); }},
    {"output.kafka.flush_timeout", ValueType::seconds, "0.001..86400 seconds",
     [](Config& c, std::string_view t) { return parse_seconds(t, c.output.kafka.flush_timeout_ms); }},
    {"output.kafka.properties", ValueType::text_map, "librdkafka properties (name: value), checked by librdkafka",
     [](Config& c, std::string_view t) { return parse_property(t, c.output.kafka.properties); },
     [](Config& c) { c.output.kafka.properties.clear(); }},
    {"sensor.id", ValueType::text, "1..64 of letters, digits, '.', '_', '-', ':', empty = the host name",
     [](Config& c, std::string_view t) { return parse_sensor_id(t, c.sensor.id); }},
    {"metrics.enabled", ValueType::boolean, "true, false",
     [](Config& c, std::string_view t) { return parse_bool(t, c.metrics.enabled); }},
    {"metrics.listen", ValueType::text, "host:port, e.g. 127.0.0.1:9877 or 0.0.0.0:9877",
     [](Config& c, std::string_view t) { return parse_listen_address(t, c.metrics.listen); }},
    {"metrics.request_timeout", ValueType::seconds, "1..3600 whole seconds",
     [](Config& c, std::string_view t) { return parse_whole_seconds(t, 3600, c.metrics.request_timeout_s); }},
    {"metrics.inactivity_timeout", ValueType::seconds, "1..3600 whole seconds",
     [](Config& c, std::string_view t) { return parse_whole_seconds(t, 3600, c.metrics.inactivity_timeout_s); }},
    {"metrics.max_connections", ValueType::count, "1..65536 connections",
     [](Config& c, std::string_view t) { return parse_range(t, 1, 65536, c.metrics.max_connections); }},
    {"metrics.max_connections_per_client", ValueType::count, "1..65536 connections",
     [](Config& c, std::string_view t) { return parse_range(t, 1, 65536, c.metrics.max_connections_per_client); }},
    {"metrics.tls.cert_file", ValueType::text, "a PEM file, or empty for plain HTTP",
     [](Config& c, std::string_view t) { return take_text(t, c.metrics.tls_cert_file); }},
    {"metrics.tls.key_file", ValueType::text, "a PEM file, or empty for plain HTTP",
     [](Config& c, std::string_view t) { return take_text(t, c.metrics.tls_key_file); }},
    {"metrics.basic_auth", ValueType::text_map, "user: crypt(3) password hash (bcrypt, SHA-crypt)",
     [](Config& c, std::string_view t) { return parse_user(t, c.metrics.basic_auth); },
     [](Config& c) { c.metrics.basic_auth.clear(); }},
    {"metrics.web_config_file", ValueType::text, "a Prometheus exporter web-config.yml, or empty",
     [](Config& c, std::string_view t) { return take_text(t, c.metrics.web_config_file); }},
    {"process.user", ValueType::text, "a user name, empty = keep the starting user",
     [](Config& c, std::string_view t) { return take_text(t, c.process.user); }},
    {"process.group", ValueType::text, "a group name, empty = the user's primary group",
     [](Config& c, std::string_view t) { return take_text(t, c.process.group); }},
    {"logging.level", ValueType::text, "trace, debug, info, warn, error",
     [](Config& c, std::string_view t) {
       return parse_choice(t, {"trace", "debug", "info", "warn", "error"}, c.logging.level);
     }},
}};

}  // namespace

std::span<const Field> fields() { return field_table; }

const Field* find_field(std::string_view key) {
  for (const Field& f : field_table) {
    if (f.key == key) return &f;
  }
  return nullptr;
}

std::string_view type_name(ValueType type) {
  switch (type) {
    case ValueType::seconds: return "a number of seconds";
    case ValueType::count: return "a whole number";
    case ValueType::boolean: return "true or false";
    case ValueType::text: return "a string";
    case ValueType::text_list: return "a list of strings";
    case ValueType::text_map: return "a map of names to values";
  }
  return "a value";
}

std::string quote(std::string_view text) {
  constexpr std::size_t max_shown = 64;
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size() && i < max_shown; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  if (text.size() > max_shown) out += "...";
  out += '"';
  return out;
}

}  // namespace flowfeat::config_detail
