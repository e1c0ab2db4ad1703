#include "flowfeat/standardize/standardizer_state.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

#include "flowfeat/standardize/state_file_error.hpp"

namespace flowfeat {
namespace {

namespace fs = std::filesystem;

// A state file is a few kilobytes; anything far larger is not one, and is not read into memory.
constexpr std::size_t kMaxFileBytes = std::size_t{16} << 20;

[[noreturn]] void throw_io_error(int error, const std::string& what, const fs::path& path) {
  throw std::system_error(error, std::generic_category(), what + " " + path.string());
}

bool is_valid_name(std::string_view name) noexcept {
  if (name.empty()) {
    return false;
  }
  for (const char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7f) {
      return false;
    }
  }
  return true;
}

void append_uint(std::string& out, std::uint64_t value) {
  char text[24];
  const auto result = std::to_chars(text, text + sizeof(text), value);
  out.append(text, result.ptr);
}

void append_double(std::string& out, double value) {
  char text[32];
  const auto result = std::to_chars(text, text + sizeof(text), value);
  out.append(text, result.ptr);
}

void append_list(std::string& out, const std::vector<double>& values) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    append_double(out, values[i]);
  }
}

void append_quantiles(std::string& text, const QuantileState& quantiles) {
  text += "quantiles records ";
  append_uint(text, quantiles.records);
  text += " warmup ";
  append_uint(text, quantiles.warmup_records);
  text += " percents ";
  for (std::size_t i = 0; i < quantiles.percents.size(); ++i) {
    if (i > 0) text += ',';
    append_uint(text, quantiles.percents[i]);
  }
  text += '\n';
  for (const QuantileState::Column& column : quantiles.columns) {
    text += "quantile ";
    text += column.name;
    text += " heights ";
    append_list(text, column.heights);
    text += " positions ";
    append_list(text, column.positions);
    text += " desired ";
    append_list(text, column.desired);
    text += '\n';
  }
}

std::string to_text(const StandardizerState& state) {
  const bool running = state.mode == StandardizeMode::kRunning;
  std::string text = "# flowfeat standardizer state\nversion ";
  append_uint(text, StandardizerState::kVersion);
  text += "\nmode ";
  text += to_string(state.mode);
  text += "\nsamples ";
  append_uint(text, state.samples);
  text += '\n';
  for (const StandardizerState::Column& column : state.columns) {
    text += "column ";
    text += column.name;
    text += " count ";
    append_uint(text, column.count);
    text += " mean ";
    append_double(text, column.mean);
    if (running) {
      text += " mean_low ";
      append_double(text, column.mean_low);
      text += " m2 ";
      append_double(text, column.m2);
    } else {
      text += " var ";
      append_double(text, column.var);
    }
    text += '\n';
  }
  if (state.quantiles) append_quantiles(text, *state.quantiles);
  text += "end\n";
  return text;
}

// Closes the descriptor it holds when it goes out of scope (errors ignored: used on failure paths).
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) noexcept : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;

  int get() const noexcept { return fd_; }
  // Closes now and reports the error of close(), which may be the first sign of a failed write.
  int close() noexcept {
    const int result = ::close(fd_);
    fd_ = -1;
    return result == 0 ? 0 : errno;
  }

 private:
  int fd_;
};

// 0 or the errno of the first failing write.
int write_all(int fd, std::string_view text) noexcept {
  while (!text.empty()) {
    const ssize_t written = ::write(fd, text.data(), text.size());
    if (written < 0) {
      if (errno == EINTR) {
        continue;
      }
      return errno;
    }
    text.remove_prefix(static_cast<std::size_t>(written));
  }
  return 0;
}

std::string read_whole_file(const fs::path& path) {
  FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (file.get() < 0) {
    throw_io_error(errno, "cannot open standardizer state", path);
  }
  std::string text;
  char chunk[8192];
  for (;;) {
    const ssize_t got = ::read(file.get(), chunk, sizeof(chunk));
    if (got < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw_io_error(errno, "cannot read standardizer state", path);
    }
    if (got == 0) {
      return text;
    }
    text.append(chunk, static_cast<std::size_t>(got));
    if (text.size() > kMaxFileBytes) {
      throw StateFileError(path, 1, "file",
                           "larger than " + std::to_string(kMaxFileBytes) + " bytes; not a state file");
    }
  }
}

std::vector<std::string_view> split_tokens(std::string_view line) {
  std::vector<std::string_view> tokens;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) {
      ++i;
    }
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') {
      ++i;
    }
    if (i > start) {
      tokens.push_back(line.substr(start, i - start));
    }
  }
  return tokens;
}

// Parses one state file; every problem is a StateFileError at the line where it shows.
class StateParser {
 public:
  StateParser(const fs::path& path, StandardizeMode reader_mode) : path_(path), reader_mode_(reader_mode) {}

  StandardizerState parse(std::string_view text) {
    std::vector<std::string_view> lines;
    for (std::size_t start = 0; start < text.size();) {
      const std::size_t end = text.find('\n', start);
      if (end == std::string_view::npos) {
        fail(lines.size() + 1, "end", "truncated file: the last line has no newline");
      }
      lines.push_back(text.substr(start, end - start));
      start = end + 1;
    }
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const std::vector<std::string_view> tokens = split_tokens(lines[i]);
      if (tokens.empty() || tokens[0].front() == '#') {
        continue;
      }
      line_ = i + 1;
      take(tokens);
    }
    line_ = lines.size() + 1;
    switch (stage_) {
      case Stage::kVersion:
        fail(line_, "version", text.empty() ? "missing line 'version' (the file is empty)" : "missing line 'version'");
      case Stage::kMode:
        fail(line_, "mode", "missing line 'mode'");
      case Stage::kSamples:
        fail(line_, "samples", "missing line 'samples'");
      case Stage::kBody:
      case Stage::kQuantiles:
        fail(line_, "end", "truncated file: missing line 'end'");
      case Stage::kDone:
        break;
    }
    return std::move(state_);
  }

 private:
  enum class Stage { kVersion, kMode, kSamples, kBody, kQuantiles, kDone };

  [[noreturn]] void fail(std::size_t line, std::string_view field, const std::string& problem) const {
    throw StateFileError(path_, line, std::string(field), problem);
  }

  void take(const std::vector<std::string_view>& tokens) {
    switch (stage_) {
      case Stage::kVersion: {
        const std::uint64_t version = header_number(tokens, "version");
        if (version < StandardizerState::kOldestVersion || version > StandardizerState::kVersion) {
          fail(line_, "version",
               "version " + std::to_string(version) + " not supported (this build reads versions " +
                   std::to_string(StandardizerState::kOldestVersion) + " to " +
                   std::to_string(StandardizerState::kVersion) + ")");
        }
        state_.version = version;
        stage_ = Stage::kMode;
        return;
      }
      case Stage::kMode:
        state_.mode = header_mode(tokens);
        stage_ = Stage::kSamples;
        return;
      case Stage::kSamples:
        state_.samples = header_number(tokens, "samples");
        stage_ = Stage::kBody;
        return;
      case Stage::kBody:
        if (tokens[0] == "column") {
          column_line(tokens);
        } else if (tokens[0] == "quantiles" && state_.version >= 2) {
          quantiles_line(tokens);
          stage_ = Stage::kQuantiles;
        } else if (tokens[0] == "end") {
          end_line(tokens);
        } else {
          fail(line_, tokens[0],
               "unknown line '" + std::string(tokens[0]) + "' (expected " +
                   (state_.version >= 2 ? "'column', 'quantiles' or 'end')" : "'column' or 'end')"));
        }
        return;
      case Stage::kQuantiles:
        if (tokens[0] == "quantile") {
          quantile_line(tokens);
        } else if (tokens[0] == "end") {
          end_line(tokens);
        } else {
          fail(line_, tokens[0], "unknown line '" + std::string(tokens[0]) + "' (expected 'quantile' or 'end')");
        }
        return;
      case Stage::kDone:
        fail(line_, "end", "unexpected line '" + std::string(tokens[0]) + "' after 'end'");
    }
  }

  void expect_valid_name(const std::string& name, std::string_view field) const {
    if (!is_valid_name(name)) fail(line_, field, "name holds a control character");
  }

  void end_line(const std::vector<std::string_view>& tokens) {
    if (tokens.size() != 1) {
      fail(line_, "end", "unexpected text after 'end'");
    }
    stage_ = Stage::kDone;
  }

  // The "key value" pairs after the first skip tokens of a line, each key once, all of required.
  std::unordered_map<std::string_view, std::string_view> fields(const std::vector<std::string_view>& tokens,
                                                                std::size_t skip, std::string_view line_kind,
                                                                const std::vector<std::string_view>& required) const {
    std::unordered_map<std::string_view, std::string_view> values;
    for (std::size_t i = skip; i < tokens.size(); i += 2) {
      const std::string_view key = tokens[i];
      if (std::find(required.begin(), required.end(), key) == required.end()) {
        fail(line_, key, "unknown field '" + std::string(key) + "' in a " + std::string(line_kind) + " line");
      }
      if (i + 1 == tokens.size()) {
        fail(line_, key, "field '" + std::string(key) + "' has no value");
      }
      if (!values.emplace(key, tokens[i + 1]).second) {
        fail(line_, key, "duplicate field '" + std::string(key) + "'");
      }
    }
    for (const std::string_view key : required) {
      if (!values.contains(key)) {
        fail(line_, key, "missing field '" + std::string(key) + "'");
      }
    }
    return values;
  }

  void quantiles_line(const std::vector<std::string_view>& tokens) {
    const auto values = fields(tokens, 1, "quantiles", {"records", "warmup", "percents"});
    QuantileState& quantiles = state_.quantiles.emplace();
    quantiles.records = parse_uint(values.at("records"), "records");
    quantiles.warmup_records = parse_uint(values.at("warmup"), "warmup");
    for (const std::string_view item : split_list(values.at("percents"))) {
      const std::uint64_t percent = parse_uint(item, "percents");
      if (percent < 1 || percent > 99 || (!quantiles.percents.empty() && percent <= quantiles.percents.back())) {
        fail(line_, "percents", "percents must increase within 1..99, not '" + std::string(values.at("percents")) + "'");
      }
      quantiles.percents.push_back(static_cast<unsigned>(percent));
    }
  }

  void quantile_line(const std::vector<std::string_view>& tokens) {
    if (tokens.size() < 2) {
      fail(line_, "quantile", "missing column name");
    }
    QuantileState& quantiles = *state_.quantiles;
    QuantileState::Column column;
    column.name = std::string(tokens[1]);
    expect_valid_name(column.name, "quantile");
    const auto [first, inserted] = quantile_lines_.emplace(column.name, line_);
    if (!inserted) {
      fail(line_, "quantile",
           "duplicate quantile '" + column.name + "' (first on line " + std::to_string(first->second) + ")");
    }
    const auto values = fields(tokens, 2, "quantile", {"heights", "positions", "desired"});
    const std::size_t markers = 2 * quantiles.percents.size() + 3;
    for (auto [key, list] : {std::pair{"heights", &column.heights}, {"positions", &column.positions},
                             {"desired", &column.desired}}) {
      for (const std::string_view item : split_list(values.at(key))) list->push_back(parse_double(item, key));
      if (list->size() != markers) {
        fail(line_, key,
             std::to_string(list->size()) + " values where " + std::to_string(quantiles.percents.size()) +
                 " percents make " + std::to_string(markers) + " markers");
      }
    }
    quantiles.columns.push_back(std::move(column));
  }

  static std::vector<std::string_view> split_list(std::string_view text) {
    std::vector<std::string_view> items;
    for (std::size_t start = 0;;) {
      const std::size_t comma = text.find(',', start);
      items.push_back(text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
      if (comma == std::string_view::npos) return items;
      start = comma + 1;
    }
  }

  void expect_header(const std::vector<std::string_view>& tokens, std::string_view keyword) const {
    if (tokens[0] != keyword) {
      fail(line_, keyword,
           "missing line '" + std::string(keyword) + "' (found '" + std::string(tokens[0]) + "' instead)");
    }
    if (tokens.size() != 2) {
      fail(line_, keyword, "expected '" + std::string(keyword) + " <value>'");
    }
  }

  std::uint64_t header_number(const std::vector<std::string_view>& tokens, std::string_view keyword) const {
    expect_header(tokens, keyword);
    return parse_uint(tokens[1], keyword);
  }

  StandardizeMode header_mode(const std::vector<std::string_view>& tokens) const {
    expect_header(tokens, "mode");
    const std::optional<StandardizeMode> mode = parse_standardize_mode(tokens[1]);
    if (!mode || *mode == StandardizeMode::kFrozen) {
      fail(line_, "mode", "unknown mode '" + std::string(tokens[1]) + "' (a state is saved as running or ewm)");
    }
    if (reader_mode_ != StandardizeMode::kFrozen && *mode != reader_mode_) {
      fail(line_, "mode",
           "state saved in mode " + std::string(to_string(*mode)) + " cannot be loaded in mode " +
               std::string(to_string(reader_mode_)));
    }
    return *mode;
  }

  void column_line(const std::vector<std::string_view>& tokens) {
    if (tokens.size() < 2) {
      fail(line_, "column", "missing column name");
    }
    StandardizerState::Column column;
    column.name = std::string(tokens[1]);
    expect_valid_name(column.name, "column");
    const auto [first, inserted] = column_lines_.emplace(column.name, line_);
    if (!inserted) {
      fail(line_, "column",
           "duplicate column '" + column.name + "' (first on line " + std::to_string(first->second) + ")");
    }
    const bool running = state_.mode == StandardizeMode::kRunning;
    const std::vector<std::string_view> required =
        running ? std::vector<std::string_view>{"count", "mean", "mean_low", "m2"}
                : std::vector<std::string_view>{"count", "mean", "var"};
    std::vector<bool> seen(required.size(), false);
    for (std::size_t i = 2; i < tokens.size(); i += 2) {
      const std::string_view key = tokens[i];
      std::size_t slot = 0;
      while (slot < required.size() && required[slot] != key) {
        ++slot;
      }
      if (slot == required.size()) {
        fail(line_, key,
             "unknown field '" + std::string(key) + "' in a column of a " + std::string(to_string(state_.mode)) +
                 " state");
      }
      if (seen[slot]) {
        fail(line_, key, "duplicate field '" + std::string(key) + "'");
      }
      seen[slot] = true;
      if (i + 1 == tokens.size()) {
        fail(line_, key, "field '" + std::string(key) + "' has no value");
      }
      const std::string_view value = tokens[i + 1];
      if (key == "count") {
        column.count = parse_uint(value, key);
      } else if (key == "mean") {
        column.mean = parse_double(value, key);
      } else if (key == "mean_low") {
        column.mean_low = parse_double(value, key);
      } else if (key == "m2") {
        column.m2 = parse_non_negative(value, key);
      } else {
        column.var = parse_non_negative(value, key);
      }
    }
    for (std::size_t slot = 0; slot < required.size(); ++slot) {
      if (!seen[slot]) {
        fail(line_, required[slot], "missing field '" + std::string(required[slot]) + "'");
      }
    }
    if (column.count > state_.samples) {
      fail(line_, "count",
           "count " + std::to_string(column.count) + " is above samples " + std::to_string(state_.samples));
    }
    state_.columns.push_back(std::move(column));
  }

  std::uint64_t parse_uint(std::string_view text, std::string_view field) const {
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) {
      fail(line_, field, "bad number '" + std::string(text) + "' in field " + std::string(field));
    }
    return value;
  }

  double parse_double(std::string_view text, std::string_view field) const {
    double value = 0.0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
      fail(line_, field, "bad number '" + std::string(text) + "' in field " + std::string(field));
    }
    return value;
  }

  double parse_non_negative(std::string_view text, std::string_view field) const {
    const double value = parse_double(text, field);
    if (value < 0.0) {
      fail(line_, field, "negative value '" + std::string(text) + "' in field " + std::string(field));
    }
    return value;
  }

  const fs::path& path_;
  StandardizeMode reader_mode_;
  Stage stage_ = Stage::kVersion;
  std::size_t line_ = 0;
  StandardizerState state_;
  std::unordered_map<std::string, std::size_t> column_lines_;
  std::unordered_map<std::string, std::size_t> quantile_lines_;
};

}  // namespace

void StandardizerState::write(const fs::path& path) const {
  if (mode == StandardizeMode::kFrozen) {
    throw std::invalid_argument("standardizer state for " + path.string() + " has mode frozen; save running or ewm");
  }
  for (const Column& column : columns) {
    if (!is_valid_name(column.name)) {
      throw std::invalid_argument("standardizer state for " + path.string() + ": column name '" + column.name +
                                  "' is empty or holds whitespace");
    }
  }
  if (quantiles) {
    const std::size_t markers = 2 * quantiles->percents.size() + 3;
    for (const QuantileState::Column& column : quantiles->columns) {
      if (!is_valid_name(column.name)) {
        throw std::invalid_argument("standardizer state for " + path.string() + ": quantile name '" + column.name +
                                    "' is empty or holds whitespace");
      }
      if (column.heights.size() != markers || column.positions.size() != markers || column.desired.size() != markers) {
        throw std::invalid_argument("standardizer state for " + path.string() + ": quantile " + column.name +
                                    " does not have " + std::to_string(markers) + " markers");
      }
    }
  }
  const std::string text = to_text(*this);

  fs::path temporary = path;
  temporary += ".tmp-" + std::to_string(::getpid());
  FileDescriptor file(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (file.get() < 0) {
    throw_io_error(errno, "cannot create " + temporary.filename().string() + " to save standardizer state", path);
  }
  int error = write_all(file.get(), text);
  const char* step = "cannot write";
  if (error == 0 && ::fsync(file.get()) != 0) {
    error = errno;
    step = "cannot sync";
  }
  if (const int close_error = file.close(); error == 0 && close_error != 0) {
    error = close_error;
    step = "cannot close";
  }
  if (error == 0 && ::rename(temporary.c_str(), path.c_str()) != 0) {
    error = errno;
    step = "cannot rename the temporary file onto";
  }
  if (error != 0) {
    ::unlink(temporary.c_str());
    throw_io_error(error, std::string(step) + " standardizer state", path);
  }

  // The rename is durable only once the folder entry is on disk.
  const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
  FileDescriptor directory(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (directory.get() < 0) {
    throw_io_error(errno, "cannot open the folder to sync standardizer state", path);
  }
  // EINVAL: the file system cannot sync folders; the rename is then as durable as it gets.
  if (::fsync(directory.get()) != 0 && errno != EINVAL) {
    throw_io_error(errno, "cannot sync the folder of standardizer state", path);
  }
}

StandardizerState StandardizerState::read(const fs::path& path, StandardizeMode reader_mode) {
  const std::string text = read_whole_file(path);
  return StateParser(path, reader_mode).parse(text);
}

}  // namespace flowfeat
