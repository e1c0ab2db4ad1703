#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "flowfeat/core/quantile_state.hpp"
#include "flowfeat/standardize/standardize_mode.hpp"

namespace flowfeat {

// The statistics of a Standardizer and the quantile estimators of the derived flags as a plain
// value, and their state file. Taking a copy (Standardizer::state()) is cheap, so the owner may
// write it from another thread without holding up the record stream.
//
// The file is text a human can read and diff; doubles are in shortest round-trip form, so reading
// it back restores the exact bits:
//
//   # flowfeat standardizer state
//   version 2
//   mode running
//   samples 123456
//   column bidirectional_packets count 123456 mean 17.25 mean_low 1.1e-16 m2 4.5e+07
//   quantiles records 123456 warmup 1000 percents 1,2,5,95,99
//   quantile bidirectional_packets heights 1,1,2,... positions 1,2,3,... desired 1,1.2,2.4,...
//   end
//
// ewm states write "var <double>" instead of "mean_low" and "m2". A quantile line has 2 × percents
// + 3 numbers in each list (see QuantileState). Lines starting with '#' and blank lines are ignored
// anywhere; the other lines come in the order shown (the quantile lines are optional); the fields
// of a column, quantiles or quantile line may come in any order; "end" and a final newline prove
// the file is complete. Version 1 files, which hold no quantiles, are still read.
struct StandardizerState {
  static constexpr std::uint64_t kVersion = 2;
  static constexpr std::uint64_t kOldestVersion = 1;

  struct Column {
    std::string name;         // no whitespace, not empty
    std::uint64_t count = 0;  // values of this column in the statistics (<= samples)
    double mean = 0.0;
    // running: the rounding error of mean, so that mean + mean_low carries the running mean to about
    // twice double precision; it keeps the variance exact when values sit far from zero.
    double mean_low = 0.0;
    double m2 = 0.0;   // running: sum of squared deviations from the mean
    double var = 0.0;  // ewm: exponentially weighted variance
  };

  StandardizeMode mode = StandardizeMode::kRunning;  // kRunning or kEwm, never kFrozen
  std::uint64_t samples = 0;                         // records seen
  std::vector<Column> columns;
  // The derived flags' estimators; absent when the saver had none or wrote version 1.
  std::optional<QuantileState> quantiles;
  // The version of the file read; write() always writes kVersion.
  std::uint64_t version = kVersion;

  // Writes the file atomically: "<path>.tmp-<pid>" in the same folder, fsync, rename over path,
  // fsync of the folder; readers and crashes see the old file or the new one, never a mix. Throws
  // std::system_error naming the path (the temporary file is removed), std::invalid_argument for a
  // state that cannot be written (mode kFrozen, a column name that is empty or holds whitespace,
  // quantile lists of another length than the percents make).
  void write(const std::filesystem::path& path) const;

  // Reads and checks a state file for a standardizer running in reader_mode: kRunning accepts a
  // running state, kEwm an ewm state, kFrozen either. Throws StateFileError naming path, line and
  // field for any problem (syntax, bad number, unsupported version, unknown or mismatched mode,
  // duplicate column, count above samples, percents not increasing within 1..99, a quantile list of
  // the wrong length, truncation); std::system_error naming the path if the
  // file cannot be read (std::errc::no_such_file_or_directory when it does not exist).
  static StandardizerState read(const std::filesystem::path& path, StandardizeMode reader_mode);
};

}  // namespace flowfeat
