#include "flowfeat/standardize/standardizer.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace flowfeat {
namespace {

bool has_whitespace_or_control(const std::string& name) noexcept {
  return std::any_of(name.begin(), name.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte <= 0x20 || byte == 0x7f;
  });
}

double z_score(double deviation, double stddev) noexcept { return stddev > 0.0 ? deviation / stddev : 0.0; }

}  // namespace

Standardizer::Standardizer(std::vector<std::string> columns, StandardizerOptions options)
    : columns_(std::move(columns)), options_(options), moments_(columns_.size()) {
  std::unordered_set<std::string> seen;
  for (const std::string& name : columns_) {
    if (name.empty() || has_whitespace_or_control(name)) {
      throw std::invalid_argument("standardize column name '" + name + "' is empty or holds whitespace");
    }
    if (!seen.insert(name).second) {
      throw std::invalid_argument("standardize column '" + name + "' is listed twice");
    }
  }
  if (!std::isfinite(options_.half_life_records) || options_.half_life_records <= 0.0) {
    throw std::invalid_argument("standardize half_life_records must be finite and > 0, not " +
                                std::to_string(options_.half_life_records));
  }
  // -expm1 is 1 - exp without the cancellation that would cost long half-lives their precision.
  alpha_ = -std::expm1(std::log(0.5) / options_.half_life_records);
  stats_mode_ = options_.mode == StandardizeMode::kEwm ? StandardizeMode::kEwm : StandardizeMode::kRunning;
}

void Standardizer::transform(std::span<const double> raw, std::span<double> z) noexcept {
  assert(raw.size() == columns_.size() && z.size() == columns_.size());
  const std::size_t size = std::min({columns_.size(), raw.size(), z.size()});
  switch (options_.mode) {
    case StandardizeMode::kRunning:
      ++samples_;
      transform_running(size, raw, z);
      return;
    case StandardizeMode::kEwm:
      ++samples_;
      transform_ewm(size, raw, z);
      return;
    case StandardizeMode::kFrozen:
      transform_frozen(size, raw, z);
      return;
  }
}

void Standardizer::transform_running(std::size_t size, std::span<const double> raw, std::span<double> z) noexcept {
  for (std::size_t i = 0; i < size; ++i) {
    const double x = raw[i];
    Moments& m = moments_[i];
    const std::uint64_t count = m.count + 1;
    // Welford with the mean as the unevaluated sum mean + mean_low: the step is added with an
    // error-free two-sum whose rounding error becomes the new mean_low.
    const double delta = (x - m.mean) - m.mean_low;
    const double step = delta / static_cast<double>(count) + m.mean_low;
    const double mean = m.mean + step;
    const double step_part = mean - m.mean;
    const double mean_low = (m.mean - (mean - step_part)) + (step - step_part);
    const double deviation = (x - mean) - mean_low;
    const double m2 = m.m2 + delta * deviation;
    if (!std::isfinite(x) || !std::isfinite(mean) || !std::isfinite(mean_low) || !std::isfinite(m2)) {
      ++skipped_;
      z[i] = 0.0;
      continue;
    }
    m.count = count;
    m.mean = mean;
    m.mean_low = mean_low;
    m.m2 = m2;
    z[i] = z_score(deviation, std::sqrt(m2 / static_cast<double>(count)));
  }
}

void Standardizer::transform_ewm(std::size_t size, std::span<const double> raw, std::span<double> z) noexcept {
  for (std::size_t i = 0; i < size; ++i) {
    const double x = raw[i];
    Moments& m = moments_[i];
    double mean = x;
    double var = 0.0;
    if (m.count > 0) {
      const double delta = x - m.mean;
      mean = m.mean + alpha_ * delta;
      var = (1.0 - alpha_) * (m.var + alpha_ * delta * delta);
    }
    if (!std::isfinite(x) || !std::isfinite(mean) || !std::isfinite(var)) {
      ++skipped_;
      z[i] = 0.0;
      continue;
    }
    ++m.count;
    m.mean = mean;
    m.var = var;
    z[i] = z_score(x - mean, std::sqrt(var));
  }
}

void Standardizer::transform_frozen(std::size_t size, std::span<const double> raw, std::span<double> z) noexcept {
  for (std::size_t i = 0; i < size; ++i) {
    const double x = raw[i];
    if (!std::isfinite(x)) {
      ++skipped_;
      z[i] = 0.0;
      continue;
    }
    const Moments& m = moments_[i];
    const double deviation = (x - m.mean) - m.mean_low;
    z[i] = z_score(deviation, stddev(i));
  }
}

double Standardizer::mean(std::size_t column) const noexcept {
  if (column >= moments_.size()) {
    return 0.0;
  }
  return moments_[column].mean + moments_[column].mean_low;
}

double Standardizer::stddev(std::size_t column) const noexcept {
  if (column >= moments_.size()) {
    return 0.0;
  }
  const Moments& m = moments_[column];
  if (stats_mode_ == StandardizeMode::kEwm) {
    return std::sqrt(m.var);
  }
  return m.count > 0 ? std::sqrt(m.m2 / static_cast<double>(m.count)) : 0.0;
}

StandardizerState Standardizer::state() const {
  StandardizerState state;
  state.mode = stats_mode_;
  state.samples = samples_;
  state.columns.reserve(columns_.size());
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    const Moments& m = moments_[i];
    state.columns.push_back({columns_[i], m.count, m.mean, m.mean_low, m.m2, m.var});
  }
  return state;
}

void Standardizer::save(const std::filesystem::path& path) const { state().write(path); }

void Standardizer::load(const std::filesystem::path& path) { restore(StandardizerState::read(path, options_.mode)); }

void Standardizer::restore(const StandardizerState& state) {
  if (options_.mode != StandardizeMode::kFrozen && state.mode != options_.mode) {
    throw std::invalid_argument("a state saved in mode " + std::string(to_string(state.mode)) +
                                " cannot be restored in mode " + std::string(to_string(options_.mode)));
  }
  std::unordered_map<std::string, const StandardizerState::Column*> by_name;
  for (const StandardizerState::Column& column : state.columns) {
    by_name.emplace(column.name, &column);
  }
  std::vector<Moments> moments(columns_.size());
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    const auto found = by_name.find(columns_[i]);
    if (found != by_name.end()) {
      const StandardizerState::Column& c = *found->second;
      moments[i] = {c.count, c.mean, c.mean_low, c.m2, c.var};
    }
  }
  moments_ = std::move(moments);
  samples_ = state.samples;
  stats_mode_ = state.mode;
}

}  // namespace flowfeat
