#include "flowfeat/standardize/standardizer_state.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <bit>
#include <cstdint>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "flowfeat/standardize/standardizer.hpp"
#include "flowfeat/standardize/state_file_error.hpp"
#include "temp_folder.hpp"

namespace flowfeat {
namespace {

namespace fs = std::filesystem;
using testing::read_text;
using testing::TempFolder;
using testing::write_text;

std::uint64_t bits(double value) { return std::bit_cast<std::uint64_t>(value); }

// Records whose columns span many magnitudes and signs, so the saved doubles use every digit.
std::vector<std::vector<double>> mixed_records(std::size_t count, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::lognormal_distribution<double> lognormal(0.0, 4.0);
  std::vector<std::vector<double>> records;
  for (std::size_t i = 0; i < count; ++i) {
    records.push_back({1e9 + normal(random), lognormal(random), -1e-200 * lognormal(random), normal(random) / 3.0});
  }
  return records;
}

const std::vector<std::string> kColumns = {"big", "tail", "tiny", "third"};

std::vector<double> feed(Standardizer& s, const std::vector<double>& raw) {
  std::vector<double> z(raw.size());
  s.transform(raw, z);
  return z;
}

void expect_same_bits(const StandardizerState& a, const StandardizerState& b) {
  EXPECT_EQ(a.mode, b.mode);
  EXPECT_EQ(a.samples, b.samples);
  ASSERT_EQ(a.columns.size(), b.columns.size());
  for (std::size_t i = 0; i < a.columns.size(); ++i) {
    EXPECT_EQ(a.columns[i].name, b.columns[i].name);
    EXPECT_EQ(a.columns[i].count, b.columns[i].count) << a.columns[i].name;
    EXPECT_EQ(bits(a.columns[i].mean), bits(b.columns[i].mean)) << a.columns[i].name;
    EXPECT_EQ(bits(a.columns[i].mean_low), bits(b.columns[i].mean_low)) << a.columns[i].name;
    EXPECT_EQ(bits(a.columns[i].m2), bits(b.columns[i].m2)) << a.columns[i].name;
    EXPECT_EQ(bits(a.columns[i].var), bits(b.columns[i].var)) << a.columns[i].name;
  }
}

class StandardizerStateModeTest : public ::testing::TestWithParam<StandardizeMode> {};

TEST_P(StandardizerStateModeTest, SaveLoadRoundTripIsBitExact) {
  TempFolder folder;
  Standardizer s(kColumns, {GetParam(), 50.0});
  for (const std::vector<double>& record : mixed_records(3000, 7)) {
    feed(s, record);
  }
  s.save(folder / "state.txt");
  Standardizer loaded(kColumns, {GetParam(), 50.0});
  loaded.load(folder / "state.txt");
  expect_same_bits(loaded.state(), s.state());
  for (std::size_t c = 0; c < kColumns.size(); ++c) {
    EXPECT_EQ(bits(loaded.mean(c)), bits(s.mean(c)));
    EXPECT_EQ(bits(loaded.stddev(c)), bits(s.stddev(c)));
  }
  loaded.save(folder / "again.txt");
  EXPECT_EQ(read_text(folder / "again.txt"), read_text(folder / "state.txt"));
}

TEST_P(StandardizerStateModeTest, ContinuingAfterLoadEqualsNeverStopping) {
  TempFolder folder;
  const std::vector<std::vector<double>> records = mixed_records(4000, 11);
  Standardizer uninterrupted(kColumns, {GetParam(), 50.0});
  Standardizer first_half(kColumns, {GetParam(), 50.0});
  for (std::size_t i = 0; i < records.size() / 2; ++i) {
    feed(uninterrupted, records[i]);
    feed(first_half, records[i]);
  }
  first_half.save(folder / "state.txt");
  Standardizer restarted(kColumns, {GetParam(), 50.0});
  restarted.load(folder / "state.txt");
  for (std::size_t i = records.size() / 2; i < records.size(); ++i) {
    const std::vector<double> expected = feed(uninterrupted, records[i]);
    const std::vector<double> actual = feed(restarted, records[i]);
    for (std::size_t c = 0; c < kColumns.size(); ++c) {
      ASSERT_EQ(bits(actual[c]), bits(expected[c])) << "record " << i << " column " << kColumns[c];
    }
  }
  EXPECT_EQ(restarted.samples(), records.size());
  expect_same_bits(restarted.state(), uninterrupted.state());
}

INSTANTIATE_TEST_SUITE_P(RunningAndEwm, StandardizerStateModeTest,
                         ::testing::Values(StandardizeMode::kRunning, StandardizeMode::kEwm),
                         [](const auto& test) { return std::string(to_string(test.param)); });

TEST(StandardizerStateTest, WritesTheDocumentedFormat) {
  TempFolder folder;
  StandardizerState state;
  state.samples = 4;
  state.columns.push_back({"bidirectional_packets", 4, 2.5, 0.0, 5.0, 0.0});
  state.write(folder / "state.txt");
  EXPECT_EQ(read_text(folder / "state.txt"),
            "# flowfeat standardizer state\nversion 2\nmode running\nsamples 4\n"
            "column bidirectional_packets count 4 mean 2.5 mean_low 0 m2 5\nend\n");

  state.mode = StandardizeMode::kEwm;
  state.columns[0].var = 0.1;
  state.write(folder / "state.txt");
  EXPECT_EQ(read_text(folder / "state.txt"),
            "# flowfeat standardizer state\nversion 2\nmode ewm\nsamples 4\n"
            "column bidirectional_packets count 4 mean 2.5 var 0.1\nend\n");

  state.quantiles = QuantileState{.records = 3, .warmup_records = 1000, .percents = {50}, .columns = {}};
  state.quantiles->columns.push_back({"fan_in_dst", {1, 2, 2.5, 3, 4}, {1, 2, 3, 4, 5}, {1, 1.5, 2, 2.5, 3}});
  state.write(folder / "state.txt");
  EXPECT_EQ(read_text(folder / "state.txt"),
            "# flowfeat standardizer state\nversion 2\nmode ewm\nsamples 4\n"
            "column bidirectional_packets count 4 mean 2.5 var 0.1\n"
            "quantiles records 3 warmup 1000 percents 50\n"
            "quantile fan_in_dst heights 1,2,2.5,3,4 positions 1,2,3,4,5 desired 1,1.5,2,2.5,3\nend\n");
}

TEST(StandardizerStateTest, SaveReplacesTheFileAndLeavesNoTemporary) {
  TempFolder folder;
  write_text(folder / "state.txt", "old content\n");
  Standardizer s({"a"}, {});
  feed(s, {1.0});
  feed(s, {2.0});
  s.save(folder / "state.txt");
  EXPECT_EQ(read_text(folder / "state.txt").substr(0, 40), "# flowfeat standardizer state\nversion 2\n");
  std::vector<std::string> names;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder.path())) {
    names.push_back(entry.path().filename().string());
  }
  EXPECT_EQ(names, std::vector<std::string>{"state.txt"});
  Standardizer loaded({"a"}, {});
  loaded.load(folder / "state.txt");
  EXPECT_EQ(loaded.samples(), 2u);
}

TEST(StandardizerStateTest, SaveWithAFolderlessRelativePath) {
  TempFolder folder;
  const fs::path previous = fs::current_path();
  fs::current_path(folder.path());
  Standardizer s({"a"}, {});
  feed(s, {1.0});
  EXPECT_NO_THROW(s.save("state.txt"));
  fs::current_path(previous);
  EXPECT_TRUE(fs::is_regular_file(folder / "state.txt"));
}

void expect_save_fails_naming(const fs::path& path) {
  Standardizer s({"a"}, {});
  try {
    s.save(path);
    FAIL() << "no exception for " << path;
  } catch (const std::system_error& e) {
    EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
  }
}

TEST(StandardizerStateTest, SaveIntoAMissingFolderThrowsNamingThePath) {
  TempFolder folder;
  expect_save_fails_naming(folder / "missing" / "state.txt");
  EXPECT_FALSE(fs::exists(folder / "missing"));
}

TEST(StandardizerStateTest, SaveBelowARegularFileThrowsNamingThePath) {
  TempFolder folder;
  write_text(folder / "plain", "x");
  expect_save_fails_naming(folder / "plain" / "state.txt");
}

TEST(StandardizerStateTest, SaveIntoAReadOnlyFolderThrowsAndKeepsTheOldFile) {
  if (::geteuid() == 0) {
    GTEST_SKIP() << "root writes into read-only folders";
  }
  TempFolder folder;
  write_text(folder / "state.txt", "old\n");
  fs::permissions(folder.path(), fs::perms::owner_read | fs::perms::owner_exec);
  expect_save_fails_naming(folder / "state.txt");
  fs::permissions(folder.path(), fs::perms::owner_all);
  EXPECT_EQ(read_text(folder / "state.txt"), "old\n");
}

TEST(StandardizerStateTest, FailedRenameRemovesTheTemporaryFile) {
  TempFolder folder;
  fs::create_directory(folder / "state.txt");
  write_text(folder / "state.txt" / "inside", "x");  // a non-empty folder cannot be renamed over
  expect_save_fails_naming(folder / "state.txt");
  std::size_t entries = 0;
  for ([[maybe_unused]] const fs::directory_entry& entry : fs::directory_iterator(folder.path())) {
    ++entries;
  }
  EXPECT_EQ(entries, 1u);
}

TEST(StandardizerStateTest, WriteRejectsStatesThatCannotBeRead) {
  TempFolder folder;
  StandardizerState frozen;
  frozen.mode = StandardizeMode::kFrozen;
  EXPECT_THROW(frozen.write(folder / "state.txt"), std::invalid_argument);
  StandardizerState spaced;
  spaced.columns.push_back({"two words", 0, 0.0, 0.0, 0.0, 0.0});
  EXPECT_THROW(spaced.write(folder / "state.txt"), std::invalid_argument);
  EXPECT_FALSE(fs::exists(folder / "state.txt"));
}

TEST(StandardizerStateTest, LoadOfAMissingFileIsASystemError) {
  TempFolder folder;
  Standardizer s({"a"}, {});
  try {
    s.load(folder / "absent.txt");
    FAIL() << "no exception";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::no_such_file_or_directory);
    EXPECT_NE(std::string(e.what()).find((folder / "absent.txt").string()), std::string::npos) << e.what();
  }
  EXPECT_THROW(s.load(folder.path()), std::system_error);  // a folder cannot be read as a file
}

struct BadFile {
  std::string name;
  std::string text;
  std::size_t line;
  std::string field;
  std::string problem;  // part of the message
};

const char* const kHeader = "# flowfeat standardizer state\nversion 1\nmode running\nsamples 10\n";

std::vector<BadFile> bad_files() {
  const std::string header = kHeader;
  const std::string v2 = "# flowfeat standardizer state\nversion 2\nmode running\nsamples 10\n";
  return {
      {"empty", "", 1, "version", "missing line 'version' (the file is empty)"},
      {"only_comments", "# nothing\n\n", 3, "version", "missing line 'version'"},
      {"version_3", "version 3\nmode running\nsamples 1\nend\n", 1, "version",
       "version 3 not supported (this build reads versions 1 to 2)"},
      {"version_0", "version 0\nmode running\nsamples 1\nend\n", 1, "version", "version 0 not supported"},
      {"quantiles_in_version_1", header + "quantiles records 1 warmup 0 percents 50\nend\n", 5, "quantiles",
       "unknown line 'quantiles' (expected 'column' or 'end')"},
      {"quantiles_twice", v2 + "quantiles records 1 warmup 0 percents 50\nquantiles records 1 warmup 0 percents 50\nend\n",
       6, "quantiles", "unknown line 'quantiles' (expected 'quantile' or 'end')"},
      {"column_after_quantiles",
       v2 + "quantiles records 1 warmup 0 percents 50\ncolumn a count 1 mean 0 mean_low 0 m2 0\nend\n", 6, "column",
       "unknown line 'column' (expected 'quantile' or 'end')"},
      {"quantile_without_header", v2 + "quantile a heights 1,2,3,4,5 positions 1,2,3,4,5 desired 1,2,3,4,5\nend\n", 5,
       "quantile", "unknown line 'quantile' (expected 'column', 'quantiles' or 'end')"},
      {"percents_not_increasing", v2 + "quantiles records 1 warmup 0 percents 50,50\nend\n", 5, "percents",
       "percents must increase within 1..99, not '50,50'"},
      {"percent_100", v2 + "quantiles records 1 warmup 0 percents 5,100\nend\n", 5, "percents",
       "percents must increase within 1..99"},
      {"percents_empty_item", v2 + "quantiles records 1 warmup 0 percents 5,,7\nend\n", 5, "percents",
       "bad number '' in field percents"},
      {"quantiles_missing_warmup", v2 + "quantiles records 1 percents 50\nend\n", 5, "warmup",
       "missing field 'warmup'"},
      {"quantiles_unknown_field", v2 + "quantiles records 1 warmup 0 percents 50 grid 3\nend\n", 5, "grid",
       "unknown field 'grid' in a quantiles line"},
      {"quantile_too_few_heights", v2 + "quantiles records 1 warmup 0 percents 50\nquantile a heights 1,2,3,4 positions 1,2,3,4,5 desired 1,2,3,4,5\nend\n",
       6, "heights", "4 values where 1 percents make 5 markers"},
      {"quantile_bad_number", v2 + "quantiles records 1 warmup 0 percents 50\nquantile a heights 1,2,3,4,5 positions 1,2,x,4,5 desired 1,2,3,4,5\nend\n",
       6, "positions", "bad number 'x' in field positions"},
      {"quantile_nan", v2 + "quantiles records 1 warmup 0 percents 50\nquantile a heights 1,2,nan,4,5 positions 1,2,3,4,5 desired 1,2,3,4,5\nend\n",
       6, "heights", "bad number 'nan'"},
      {"quantile_missing_desired", v2 + "quantiles records 1 warmup 0 percents 50\nquantile a heights 1,2,3,4,5 positions 1,2,3,4,5\nend\n",
       6, "desired", "missing field 'desired'"},
      {"control_character_in_name", header + std::string("column a\x01b count 1 mean 0 mean_low 0 m2 0\nend\n"), 5,
       "column", "name holds a control character"},
      {"nul_in_quantile_name",
       v2 + "quantiles records 1 warmup 0 percents 50\nquantile a" + std::string(1, '\0') +
           "b heights 1,2,3,4,5 positions 1,2,3,4,5 desired 1,2,3,4,5\nend\n",
       6, "quantile", "name holds a control character"},
      {"quantile_without_name", v2 + "quantiles records 1 warmup 0 percents 50\nquantile\nend\n", 6, "quantile",
       "missing column name"},
      {"duplicate_quantile", v2 + "quantiles records 1 warmup 0 percents 50\nquantile a heights 1,2,3,4,5 positions 1,2,3,4,5 desired 1,2,3,4,5\nquantile a heights 1,2,3,4,5 positions 1,2,3,4,5 desired 1,2,3,4,5\nend\n",
       7, "quantile", "duplicate quantile 'a' (first on line 6)"},
      {"quantiles_without_end", v2 + "quantiles records 1 warmup 0 percents 50\n", 6, "end",
       "truncated file: missing line 'end'"},
      {"version_not_a_number", "version one\n", 1, "version", "bad number 'one' in field version"},
      {"version_missing", "mode running\n", 1, "version", "missing line 'version' (found 'mode' instead)"},
      {"version_two_values", "version 1 2\n", 1, "version", "expected 'version <value>'"},
      {"unknown_mode", "version 1\nmode sliding\n", 2, "mode", "unknown mode 'sliding'"},
      {"frozen_mode", "version 1\nmode frozen\n", 2, "mode", "unknown mode 'frozen'"},
      {"missing_mode", "version 1\nsamples 3\n", 2, "mode", "missing line 'mode'"},
      {"missing_samples", "version 1\nmode running\ncolumn a count 0 mean 0 mean_low 0 m2 0\nend\n", 3, "samples",
       "missing line 'samples'"},
      {"missing_samples_at_end", "version 1\nmode running\n", 3, "samples", "missing line 'samples'"},
      {"negative_samples", "version 1\nmode running\nsamples -1\n", 3, "samples", "bad number '-1'"},
      {"samples_too_large", "version 1\nmode running\nsamples 18446744073709551616\n", 3, "samples",
       "bad number '18446744073709551616'"},
      {"bad_mean", header + "column a count 1 mean 1.2.3 mean_low 0 m2 0\nend\n", 5, "mean",
       "bad number '1.2.3' in field mean"},
      {"nan_mean", header + "column a count 1 mean nan mean_low 0 m2 0\nend\n", 5, "mean", "bad number 'nan'"},
      {"inf_m2", header + "column a count 1 mean 0 mean_low 0 m2 inf\nend\n", 5, "m2", "bad number 'inf'"},
      {"negative_m2", header + "column a count 1 mean 0 mean_low 0 m2 -2\nend\n", 5, "m2", "negative value '-2'"},
      {"bad_count", header + "column a count 1.5 mean 0 mean_low 0 m2 0\nend\n", 5, "count", "bad number '1.5'"},
      {"count_above_samples", header + "column a count 11 mean 0 mean_low 0 m2 0\nend\n", 5, "count",
       "count 11 is above samples 10"},
      {"missing_field", header + "column a count 1 mean 0 mean_low 0\nend\n", 5, "m2", "missing field 'm2'"},
      {"duplicate_field", header + "column a count 1 mean 0 mean 1 mean_low 0 m2 0\nend\n", 5, "mean",
       "duplicate field 'mean'"},
      {"unknown_field", header + "column a count 1 mean 0 mean_low 0 m2 0 median 3\nend\n", 5, "median",
       "unknown field 'median'"},
      {"ewm_field_in_running_state", header + "column a count 1 mean 0 var 0\nend\n", 5, "var",
       "unknown field 'var' in a column of a running state"},
      {"field_without_value", header + "column a count 1 mean 0 mean_low 0 m2\nend\n", 5, "m2",
       "field 'm2' has no value"},
      {"column_without_name", header + "column\nend\n", 5, "column", "missing column name"},
      {"duplicate_column",
       header + "column a count 1 mean 0 mean_low 0 m2 0\n# b\ncolumn a count 2 mean 0 mean_low 0 m2 0\nend\n", 7,
       "column", "duplicate column 'a' (first on line 5)"},
      {"unknown_line", header + "colum a count 1\nend\n", 5, "colum", "unknown line 'colum'"},
      {"no_end", header + "column a count 1 mean 0 mean_low 0 m2 0\n", 6, "end", "truncated file: missing line 'end'"},
      {"cut_mid_line", header + "column a count 1 mean 0 mea", 5, "end", "the last line has no newline"},
      {"end_without_newline", header + "end", 5, "end", "the last line has no newline"},
      {"text_after_end", header + "end\ncolumn a count 1 mean 0 mean_low 0 m2 0\n", 6, "end",
       "unexpected line 'column' after 'end'"},
      {"end_with_value", header + "end 3\n", 5, "end", "unexpected text after 'end'"},
  };
}

class StandardizerStateLoadErrorTest : public ::testing::TestWithParam<BadFile> {};

TEST_P(StandardizerStateLoadErrorTest, NamesLineAndField) {
  const BadFile& bad = GetParam();
  TempFolder folder;
  const fs::path path = folder / "state.txt";
  write_text(path, bad.text);
  try {
    StandardizerState::read(path, StandardizeMode::kRunning);
    FAIL() << "no exception";
  } catch (const StateFileError& e) {
    EXPECT_EQ(e.path(), path);
    EXPECT_EQ(e.line(), bad.line) << e.what();
    EXPECT_EQ(e.field(), bad.field) << e.what();
    const std::string message = e.what();
    const std::string prefix = path.string() + ":" + std::to_string(bad.line) + ": " + bad.field + ": ";
    EXPECT_EQ(message.substr(0, prefix.size()), prefix) << message;
    EXPECT_NE(message.find(bad.problem), std::string::npos) << message;
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, StandardizerStateLoadErrorTest, ::testing::ValuesIn(bad_files()),
                         [](const auto& test) { return test.param.name; });

TEST(StandardizerStateTest, ModeMismatchNamesBothModes) {
  TempFolder folder;
  Standardizer running({"a"}, {});
  Standardizer ewm({"a"}, {StandardizeMode::kEwm, 10.0});
  feed(running, {1.0});
  feed(ewm, {1.0});
  running.save(folder / "running.txt");
  ewm.save(folder / "ewm.txt");

  struct Case {
    Standardizer* reader;
    fs::path file;
    std::string problem;
  };
  for (const Case& c :
       {Case{&running, folder / "ewm.txt", "state saved in mode ewm cannot be loaded in mode running"},
        Case{&ewm, folder / "running.txt", "state saved in mode running cannot be loaded in mode ewm"}}) {
    try {
      c.reader->load(c.file);
      FAIL() << "no exception for " << c.file;
    } catch (const StateFileError& e) {
      EXPECT_EQ(e.line(), 3u);
      EXPECT_EQ(e.field(), "mode");
      EXPECT_NE(std::string(e.what()).find(c.problem), std::string::npos) << e.what();
    }
  }
  // Nothing changed by the failed loads.
  EXPECT_EQ(running.samples(), 1u);
  EXPECT_EQ(ewm.state().mode, StandardizeMode::kEwm);
}

TEST(StandardizerStateTest, FailedLoadChangesNothing) {
  TempFolder folder;
  Standardizer s({"a"}, {});
  for (const double v : {1.0, 2.0, 6.0}) {
    feed(s, {v});
  }
  const StandardizerState before = s.state();
  write_text(folder / "bad.txt", std::string(kHeader) + "column a count 3 mean 9 mean_low 0 m2 1\ncolumn a\nend\n");
  EXPECT_THROW(s.load(folder / "bad.txt"), StateFileError);
  expect_same_bits(s.state(), before);
}

TEST(StandardizerStateTest, ConfiguredColumnMissingFromTheFileStartsFromZero) {
  TempFolder folder;
  Standardizer old_list({"a", "b"}, {});
  for (const double v : {1.0, 2.0, 3.0, 4.0}) {
    feed(old_list, {v, 10.0 * v});
  }
  old_list.save(folder / "state.txt");

  Standardizer new_list({"b", "c"}, {});
  new_list.load(folder / "state.txt");
  EXPECT_EQ(new_list.samples(), 4u);
  EXPECT_EQ(new_list.mean(0), old_list.mean(1));
  EXPECT_EQ(new_list.stddev(0), old_list.stddev(1));
  EXPECT_EQ(new_list.mean(1), 0.0);
  EXPECT_EQ(new_list.stddev(1), 0.0);
  const std::vector<double> z = feed(new_list, {50.0, 7.0});
  EXPECT_GT(z[0], 0.0);  // b continues from its statistics
  EXPECT_EQ(z[1], 0.0);  // c has seen one value
  EXPECT_EQ(new_list.mean(1), 7.0);

  // The dropped column "a" is gone from the next save; "c" counts only its own values.
  new_list.save(folder / "state.txt");
  const StandardizerState saved = StandardizerState::read(folder / "state.txt", StandardizeMode::kRunning);
  ASSERT_EQ(saved.columns.size(), 2u);
  EXPECT_EQ(saved.columns[0].name, "b");
  EXPECT_EQ(saved.columns[0].count, 5u);
  EXPECT_EQ(saved.columns[1].name, "c");
  EXPECT_EQ(saved.columns[1].count, 1u);
  EXPECT_EQ(saved.samples, 5u);
}

TEST(StandardizerStateTest, AcceptsCommentsBlankLinesCrlfAndAnyFieldOrder) {
  TempFolder folder;
  write_text(folder / "state.txt",
             "# edited by hand\r\n\r\nversion 1\r\n  mode\trunning  \r\n# note\r\nsamples 4\r\n"
             "column b m2 20 mean_low 0 count 4 mean 5\r\n\r\nend\r\n# trailing comment\r\n");
  Standardizer s({"b"}, {});
  s.load(folder / "state.txt");
  EXPECT_EQ(s.samples(), 4u);
  EXPECT_EQ(s.mean(0), 5.0);
  EXPECT_EQ(s.stddev(0), std::sqrt(5.0));
}

TEST(StandardizerStateTest, FrozenReaderAcceptsBothStateModes) {
  TempFolder folder;
  write_text(folder / "running.txt", std::string(kHeader) + "column a count 4 mean 2 mean_low 0 m2 16\nend\n");
  write_text(folder / "ewm.txt", "version 1\nmode ewm\nsamples 10\ncolumn a count 10 mean 3 var 0.25\nend\n");
  EXPECT_EQ(StandardizerState::read(folder / "running.txt", StandardizeMode::kFrozen).mode, StandardizeMode::kRunning);
  EXPECT_EQ(StandardizerState::read(folder / "ewm.txt", StandardizeMode::kFrozen).mode, StandardizeMode::kEwm);

  Standardizer frozen({"a"}, {StandardizeMode::kFrozen, 10000.0});
  frozen.load(folder / "running.txt");
  EXPECT_EQ(feed(frozen, {6.0})[0], 2.0);  // (6 - 2) / sqrt(16 / 4)
  frozen.load(folder / "ewm.txt");
  EXPECT_EQ(feed(frozen, {4.0})[0], 2.0);  // (4 - 3) / sqrt(0.25)
}

// A state with the quantiles of a run: a few markers, doubles of every magnitude.
StandardizerState state_with_quantiles() {
  Standardizer s(kColumns, {});
  for (const std::vector<double>& record : mixed_records(100, 3)) feed(s, record);
  StandardizerState state = s.state();
  QuantileState& quantiles = state.quantiles.emplace();
  quantiles.records = 100;
  quantiles.warmup_records = 40;
  quantiles.percents = {5, 50, 95};
  std::mt19937_64 random(4);
  std::lognormal_distribution<double> spread(0.0, 30.0);
  for (const char* name : {"bidirectional_packets", "fan_in_dst"}) {
    QuantileState::Column column{name, {}, {}, {}};
    for (std::size_t i = 0; i < 9; ++i) {
      column.heights.push_back((i % 2 == 0 ? -1.0 : 1.0) * spread(random));
      column.positions.push_back(static_cast<double>(i == 8 ? 100 : i * 11 + 1));
      column.desired.push_back(1.0 + spread(random) / 1e10);
    }
    quantiles.columns.push_back(column);
  }
  return state;
}

TEST(StandardizerStateTest, QuantilesRoundTripBitExact) {
  TempFolder folder;
  const StandardizerState state = state_with_quantiles();
  state.write(folder / "state.txt");
  EXPECT_NE(read_text(folder / "state.txt").find("\nversion 2\n"), std::string::npos);
  const StandardizerState read = StandardizerState::read(folder / "state.txt", StandardizeMode::kRunning);
  expect_same_bits(read, state);
  EXPECT_EQ(read.version, 2u);
  ASSERT_TRUE(read.quantiles.has_value());
  const QuantileState& q = *read.quantiles;
  EXPECT_EQ(q.records, 100u);
  EXPECT_EQ(q.warmup_records, 40u);
  EXPECT_EQ(q.percents, (std::vector<unsigned>{5, 50, 95}));
  ASSERT_EQ(q.columns.size(), 2u);
  for (std::size_t c = 0; c < q.columns.size(); ++c) {
    const QuantileState::Column& saved = state.quantiles->columns[c];
    EXPECT_EQ(q.columns[c].name, saved.name);
    for (std::size_t i = 0; i < 9; ++i) {
      EXPECT_EQ(bits(q.columns[c].heights[i]), bits(saved.heights[i])) << saved.name << " " << i;
      EXPECT_EQ(bits(q.columns[c].positions[i]), bits(saved.positions[i])) << saved.name << " " << i;
      EXPECT_EQ(bits(q.columns[c].desired[i]), bits(saved.desired[i])) << saved.name << " " << i;
    }
  }
}

TEST(StandardizerStateTest, AVersionOneFileReadsWithoutQuantiles) {
  TempFolder folder;
  write_text(folder / "state.txt", std::string(kHeader) + "column a count 4 mean 2 mean_low 0 m2 16\nend\n");
  const StandardizerState read = StandardizerState::read(folder / "state.txt", StandardizeMode::kRunning);
  EXPECT_EQ(read.version, 1u);
  EXPECT_FALSE(read.quantiles.has_value());
  ASSERT_EQ(read.columns.size(), 1u);
  EXPECT_EQ(read.columns[0].mean, 2.0);
}

// A file cut anywhere (a disk filled, a copy stopped) is refused, naming the file: never read as a
// shorter state.
TEST(StandardizerStateTest, EveryCutOfAFileIsRefused) {
  TempFolder folder;
  state_with_quantiles().write(folder / "whole.txt");
  const std::string whole = read_text(folder / "whole.txt");
  const fs::path cut = folder / "cut.txt";
  for (std::size_t size = 0; size < whole.size(); ++size) {
    write_text(cut, whole.substr(0, size));
    try {
      StandardizerState::read(cut, StandardizeMode::kRunning);
      ADD_FAILURE() << "a file cut to " << size << " of " << whole.size() << " bytes was read";
    } catch (const StateFileError& e) {
      EXPECT_EQ(e.path(), cut);
    }
  }
}

TEST(StandardizerStateTest, WriteRefusesQuantilesOfTheWrongLength) {
  TempFolder folder;
  StandardizerState state = state_with_quantiles();
  state.quantiles->columns[1].desired.pop_back();
  EXPECT_THROW(state.write(folder / "state.txt"), std::invalid_argument);
  EXPECT_FALSE(fs::exists(folder / "state.txt"));
}

}  // namespace
}  // namespace flowfeat
