#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "flowfeat/sink/file_ops.hpp"

namespace flowfeat {

// Where the leftovers of a killed run are looked for, and what a whole file of the sink looks like.
struct LeftoverRecoveryOptions {
  int directory_fd = -1;            // the output directory, open; borrowed
  std::filesystem::path directory;  // the same directory, for messages
  // Whether a final file name ("<base>-<stamp>-<seq><ext>") is one of the sink's; a leftover is
  // "." + such a name + ".partial".
  std::function<bool(std::string_view)> is_own_name;
  // The line every CSV file starts with, '\n' included; empty for JSON Lines, which has no header
  // and whose line breaks all end records (CSV quotes the ones inside fields).
  std::string_view csv_header;
  bool gzip = false;  // files are a sequence of gzip members, each ending with a whole record
};

enum class LeftoverAction : std::uint8_t {
  kFinalized,    // cut back to its last complete record and renamed to its final name
  kRemoved,      // held no complete record
  kSetAside,     // moved, unchanged, into the "recovered" subfolder
  kLeftInPlace,  // could not be set aside; stays hidden where it was
};

struct LeftoverOutcome {
  std::string final_name;  // the name the leftover was to have when finished
  LeftoverAction action = LeftoverAction::kLeftInPlace;
  std::uint64_t records_kept = 0;  // records in the finalized file (header excluded)
  std::uint64_t bytes_cut = 0;     // bytes cut off the end, or removed with the file
  std::uint64_t io_errors = 0;     // failed fsyncs, renames, removals; each logged
};

// Recovers the hidden ".<name>.partial" files a killed run left in the directory, one by one:
// - a file is cut back to its last complete record (uncompressed: its last line break outside a
//   quoted CSV field; gzip: the end of its last complete member whose text so far ends with such
//   a line break), fsynced, renamed to its final name and the directory fsynced;
// - a file with no complete record (nothing, or only the CSV header) is removed;
// - a file that cannot be finalized safely (final name taken, CSV header not csv_header, gzip
//   corrupt before its first complete member, read errors) is moved unchanged into the subfolder
//   "recovered" (created when needed) under its own name (".1", ".2"... appended only when that
//   name is taken there), never deleted.
// Each file is logged once at warn level. A .partial another writer holds open (locked with
// flock) is not a leftover and is not touched.
//
// Never throws for a bad leftover; its outcome says what was done. Returns the outcomes in name
// order. Stateless; call it before the sink opens its first file.
std::vector<LeftoverOutcome> recover_leftovers(const LeftoverRecoveryOptions& options,
                                               FileOps& ops = FileOps::system());

}  // namespace flowfeat
