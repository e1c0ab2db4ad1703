#include "label_time.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>
#include <system_error>
#include <utility>

namespace flowfeat::enrich_detail {
namespace {

// "+3", "-03", "+05:30", "-3:00": an offset in seconds east of UTC.
std::optional<int> parse_offset(std::string_view text) {
  if (text.empty() || (text[0] != '+' && text[0] != '-')) return std::nullopt;
  const int sign = text[0] == '-' ? -1 : 1;
  text.remove_prefix(1);
  int hours = 0;
  int minutes = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), hours);
  if (ec != std::errc() || end == text.data() || hours > 14) return std::nullopt;
  std::string_view rest(end, static_cast<std::size_t>(text.data() + text.size() - end));
  if (!rest.empty()) {
    if (rest[0] != ':' || rest.size() != 3) return std::nullopt;
    auto [m_end, m_ec] = std::from_chars(rest.data() + 1, rest.data() + 3, minutes);
    if (m_ec != std::errc() || m_end != rest.data() + 3 || minutes > 59) return std::nullopt;
  }
  return sign * (hours * 3600 + minutes * 60);
}

// A pattern that leaves out the seconds stands for a whole minute, one without minutes an hour.
std::int64_t resolution_of(std::string_view pattern) {
  const auto has = [&](std::string_view spec) { return pattern.find(spec) != std::string_view::npos; };
  if (has("%S") || has("%T") || has("%s") || has("%E")) return 1000;
  if (has("%M") || has("%R")) return 60'000;
  if (has("%H") || has("%I")) return 3'600'000;
  return 86'400'000;
}

}  // namespace

std::optional<absl::TimeZone> parse_time_zone(std::string_view zone) {
  if (zone.empty() || zone == "UTC" || zone == "utc" || zone == "Z") return absl::UTCTimeZone();
  std::string_view offset = zone;
  if (offset.starts_with("UTC") || offset.starts_with("GMT")) offset.remove_prefix(3);
  if (auto seconds = parse_offset(offset)) return absl::FixedTimeZone(*seconds);
  absl::TimeZone named;
  if (absl::LoadTimeZone(std::string(zone), &named)) return named;
  return std::nullopt;
}

LabelTimeReader::LabelTimeReader(std::vector<std::string> formats, std::string_view zone)
    : formats_(std::move(formats)) {
  const std::optional<absl::TimeZone> parsed = parse_time_zone(zone);
  if (!parsed) {
    throw std::invalid_argument("unknown time zone '" + std::string(zone) +
                                "' (give UTC, an offset such as UTC-3, or a name of the system's zoneinfo)");
  }
  zone_ = *parsed;
  for (const std::string& format : formats_) {
    if (format == "unix" || format == "unix_ms") {
      if (formats_.size() != 1) throw std::invalid_argument("unix and unix_ms stand alone");
      resolutions_ms_.push_back(0);
      continue;
    }
    if (format.find('%') == std::string::npos) {
      throw std::invalid_argument("time format '" + format + "' is not unix, unix_ms or a strptime pattern");
    }
    resolutions_ms_.push_back(resolution_of(format));
  }
  if (formats_.empty()) throw std::invalid_argument("no time format");
}

std::optional<LabelTime> LabelTimeReader::read(std::string_view text) const {
  if (text.empty()) return std::nullopt;
  const std::string& first = formats_.front();
  if (first == "unix" || first == "unix_ms") {
    double value = 0.0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
    const double ms = std::floor(first == "unix_ms" ? value : value * 1000.0);
    // Milliseconds must fit an int64 (±292 million years): a larger number is no time.
    if (!(ms > -9.2e18 && ms < 9.2e18)) return std::nullopt;
    if (first == "unix_ms") return LabelTime{static_cast<std::int64_t>(ms), 1};
    const bool whole_seconds = text.find('.') == std::string_view::npos;
    return LabelTime{static_cast<std::int64_t>(ms), whole_seconds ? 1000 : 1};
  }
  for (std::size_t i = 0; i < formats_.size(); ++i) {
    absl::Time time;
    std::string error;
    if (!absl::ParseTime(formats_[i], absl::string_view(text.data(), text.size()), zone_, &time, &error)) continue;
    if (early_hours_are_afternoon_ && absl::ToCivilHour(time, zone_).hour() < 8) time += absl::Hours(12);
    return LabelTime{absl::ToUnixMillis(time), resolutions_ms_[i]};
  }
  return std::nullopt;
}

}  // namespace flowfeat::enrich_detail
