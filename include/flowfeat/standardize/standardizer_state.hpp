#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "flowfeat/standardize/standardize_mode.hpp"

namespace flowfeat {

// The statistics of a Standardizer as a plain value, and their state file. Taking a copy
// (Standardizer::state()) is cheap, so the owner may write it from another thread without holding
// up the record stream.
//
// The file is text a human can read and diff; doubles are in shortest round-trip form, so reading
// it back restores the exact bits:
//
//   # flowfeat standardizer state
//   version 1
//   mode running
//   samples 123456
//   column bidirectional_packets count 123456 mean 17.25 mean_low 1.1e-16 m2 4.5e+07
//   end
//
// ewm states write "var <double>" instead of "mean_low" and "m2". Lines starting with '#' and blank
// lines are ignored anywhere; the other lines come in the order shown; the fields of a column line
// may come in any order; "end" and a final newline prove the file is complete.
struct StandardizerState {
  static constexpr std::uint64_t kVersion = 1;

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

  // Writes the file atomically: "<path>.tmp-<pid>" in the same folder, fsync, rename over path,
  // fsync of the folder; readers and crashes see the old file or the new one, never a mix. Throws
  // std::system_error naming the path (the temporary file is removed), std::invalid_argument for a
  // state that cannot be written (mode kFrozen, a column name that is empty or holds whitespace).
  void write(const std::filesystem::path& path) const;

  // Reads and checks a state file for a standardizer running in reader_mode: kRunning accepts a
  // running state, kEwm an ewm state, kFrozen either. Throws StateFileError naming path, line and
  // field for any problem (syntax, bad number, unsupported version, unknown or mismatched mode,
  // duplicate column, count above samples, truncation); std::system_error naming the path if the
  // file cannot be read (std::errc::no_such_file_or_directory when it does not exist).
  static StandardizerState read(const std::filesystem::path& path, StandardizeMode reader_mode);
};

}  // namespace flowfeat
