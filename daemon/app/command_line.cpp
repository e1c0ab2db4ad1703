#include "flowfeat/app/command_line.hpp"

#include <array>
#include <string_view>
#include <utility>

#include "flowfeat/config/config_override.hpp"

namespace flowfeat {
namespace {

enum class Arity {
  flag,    // no value
  value,   // exactly one value
  values,  // one or more values, up to the next option
};

struct Option {
  std::string_view name;
  Arity arity;
  std::string_view placeholder = {};
  std::optional<std::string> CommandLine::*value = nullptr;
  bool CommandLine::*flag = nullptr;
  std::vector<std::string> CommandLine::*list = nullptr;
};

const std::array<Option, 28> options{{
    {"--config", Arity::value, "FILE", &CommandLine::config_file},
    {"--read", Arity::values, "FILE|DIR", nullptr, nullptr, &CommandLine::read_paths},
    {"--interface", Arity::values, "IF", nullptr, nullptr, &CommandLine::interfaces},
    {"--capture-threads", Arity::value, "N", &CommandLine::capture_threads},
    {"--filter", Arity::value, "EXPR", &CommandLine::filter},
    {"--replay-speed", Arity::value, "X", &CommandLine::replay_speed},
    {"--state-file", Arity::value, "FILE", &CommandLine::state_file},
    {"--user", Arity::value, "NAME", &CommandLine::user},
    {"--output", Arity::value, "DIR", &CommandLine::output_directory},
    {"--idle-timeout", Arity::value, "SECONDS", &CommandLine::idle_timeout},
    {"--active-timeout", Arity::value, "SECONDS", &CommandLine::active_timeout},
    {"--max-flows", Arity::value, "N", &CommandLine::max_flows},
    {"--progress", Arity::value, "auto|always|never", &CommandLine::progress},
    {"--workers", Arity::value, "N", &CommandLine::workers},
    {"--format", Arity::value, "csv|jsonl", &CommandLine::format},
    {"--labels", Arity::value, "FILE", &CommandLine::labels_file},
    {"--labels-format", Arity::value, "custom|unsw-nb15|cic-ids", &CommandLine::labels_format},
    {"--metrics-listen", Arity::value, "HOST:PORT", &CommandLine::metrics_listen},
    {"--kafka-brokers", Arity::value, "HOST:PORT,...", &CommandLine::kafka_brokers},
    {"--kafka-topic", Arity::value, "NAME", &CommandLine::kafka_topic},
    {"--sensor-id", Arity::value, "NAME", &CommandLine::sensor_id},
    {"--no-files", Arity::flag, {}, nullptr, &CommandLine::no_files},
    {"--no-dpi", Arity::flag, {}, nullptr, &CommandLine::no_dpi},
    {"--no-metrics", Arity::flag, {}, nullptr, &CommandLine::no_metrics},
    {"--check-config", Arity::flag, {}, nullptr, &CommandLine::check_config},
    {"--print-schema", Arity::flag, {}, nullptr, &CommandLine::print_schema},
    {"--version", Arity::flag, {}, nullptr, &CommandLine::version},
    {"--help", Arity::flag, {}, nullptr, &CommandLine::help},
}};

// "-5" stays a value so "--idle-timeout -5" is reported as out of range, not as an unknown option.
bool looks_like_option(std::string_view arg) {
  return arg.size() > 1 && arg[0] == '-' && !(arg[1] >= '0' && arg[1] <= '9');
}

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

class Parser {
 public:
  explicit Parser(const std::vector<std::string>& args) : args_(args) {}

  CommandLine parse() {
    while (next_ < args_.size()) {
      std::string_view arg = args_[next_++];
      if (arg == "-h") arg = "--help";
      if (!looks_like_option(arg)) {
        throw UsageError("unexpected argument " + quoted(arg) + " (capture files and folders go after --read)");
      }
      const std::size_t equals = arg.find('=');
      const std::string_view name = arg.substr(0, equals);
      std::optional<std::string_view> inline_value;
      if (equals != std::string_view::npos) inline_value = arg.substr(equals + 1);

      const Option* option = nullptr;
      for (const Option& o : options) {
        if (o.name == name) option = &o;
      }
      if (option == nullptr) throw UsageError("unknown option " + quoted(name) + " (see --help)");

      switch (option->arity) {
        case Arity::flag:
          if (inline_value) throw UsageError(std::string(name) + " takes no value");
          result_.*(option->flag) = true;
          if (name == "--check-config") take_check_config_file();
          break;
        case Arity::value: {
          std::optional<std::string>& slot = result_.*(option->value);
          if (slot) throw UsageError(std::string(name) + " given more than once");
          slot = take_value(*option, inline_value);
          break;
        }
        case Arity::values:
          take_values(*option, inline_value);
          break;
      }
    }
    return std::move(result_);
  }

 private:
  std::string take_value(const Option& option, std::optional<std::string_view> inline_value) {
    std::string_view value;
    if (inline_value) {
      value = *inline_value;
    } else if (next_ < args_.size() && !looks_like_option(args_[next_])) {
      value = args_[next_++];
    } else {
      throw UsageError(std::string(option.name) + " needs a value: " + std::string(option.placeholder));
    }
    if (value.empty()) throw UsageError(std::string(option.name) + " needs a non-empty value");
    return std::string(value);
  }

  void take_values(const Option& option, std::optional<std::string_view> inline_value) {
    std::vector<std::string>& list = result_.*(option.list);
    const std::size_t before = list.size();
    if (inline_value) list.emplace_back(*inline_value);
    while (next_ < args_.size() && !looks_like_option(args_[next_])) list.push_back(args_[next_++]);
    if (list.size() == before) {
      throw UsageError(std::string(option.name) + " needs at least one " + std::string(option.placeholder));
    }
    for (std::size_t i = before; i < list.size(); ++i) {
      if (list[i].empty()) throw UsageError(std::string(option.name) + " got an empty value");
    }
  }

  // "--check-config FILE" is accepted as a shorthand for "--check-config --config FILE".
  void take_check_config_file() {
    if (next_ >= args_.size() || looks_like_option(args_[next_])) return;
    if (result_.config_file) throw UsageError("--config given more than once");
    if (args_[next_].empty()) throw UsageError("--check-config got an empty file name");
    result_.config_file = args_[next_++];
  }

  const std::vector<std::string>& args_;
  std::size_t next_ = 0;
  CommandLine result_;
};

}  // namespace

CommandLine parse_command_line(const std::vector<std::string>& args) { return Parser(args).parse(); }

CommandLine parse_command_line(int argc, const char* const* argv) {
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  return parse_command_line(args);
}

std::string usage_text() {
  return R"(Usage: flowfeatd [OPTIONS]
Turns packets into per-flow feature records.

Options:
  --config FILE             YAML configuration; keys left out keep their defaults
  --read FILE|DIR...        pcap/pcapng files or folders, read as one stream; repeatable;
                            replaces input.files
  --replay-speed X          replay the files at X times their recorded pace, 0 = as fast
                            as possible (input.replay_speed, 0..1000, default 0)
  --interface IF...         capture live from these network interfaces; repeatable;
                            replaces capture.interfaces (needs root or CAP_NET_RAW)
  --capture-threads N       capture threads per interface, in one fanout group
                            (capture.threads, 1..16, default 1)
  --filter EXPR             BPF capture filter, e.g. "not port 22" (capture.filter)
  --output DIR              folder for the records (output.directory)
  --idle-timeout SECONDS    end a flow after this long without packets
                            (flows.idle_timeout, 0.001..86400, default 60)
  --active-timeout SECONDS  end a flow this long after its first packet
                            (flows.active_timeout, 0.001..86400, default 120)
  --max-flows N             flows kept at once; the least recently seen is evicted
                            (flows.max_flows, 1..100000000, default 1000000)
  --no-dpi                  skip application detection (flows.dpi.enabled: false)
  --workers N               flow shards and worker threads, 0 = one per core
                            (pipeline.workers, 0..64, default 0)
  --format FORMAT           record files: csv or jsonl (output.format)
  --no-files                write no record files (output.files: false), e.g. Kafka only
  --kafka-brokers LIST      also stream the records into Kafka through these brokers,
                            HOST:PORT,... (output.kafka.brokers; output.kafka.enabled: true)
  --kafka-topic NAME        the Kafka topic (output.kafka.topic, default flowfeat)
  --sensor-id NAME          the sensor column and Kafka header (sensor.id, default the
                            host name)
  --labels FILE             ground-truth CSV for the label column (labels.file)
  --labels-format NAME      its layout: custom, unsw-nb15, cic-ids (labels.format)
  --state-file FILE         standardizer statistics and quantiles, loaded at start
                            and saved (standardize.state_file)
  --metrics-listen ADDR     serve Prometheus metrics on HOST:PORT
                            (metrics.listen, default 127.0.0.1:9877)
  --no-metrics              do not serve metrics (metrics.enabled: false)
  --progress WHEN           show progress: auto (only on a terminal), always, never
                            (input.progress)
  --user NAME               once the capture is open, switch to this user (process.user)
  --check-config [FILE]     check the configuration and the options, then exit
  --print-schema            print the columns of the output records and exit
  --version                 print the version and exit
  -h, --help                print this help and exit

Options override the configuration file. Every option also accepts --option=VALUE.

Signals: SIGTERM or SIGINT ends every flow, finishes the files, flushes Kafka, saves the
state and exits 0 (5 when records were lost; a second one exits at once); SIGHUP finishes
the current record file and reloads labels.file and the metrics endpoint's TLS files and
users.
)";
}

Config apply_overrides(Config base, const CommandLine& command_line) {
  std::vector<ConfigOverride> overrides;
  auto add = [&](const std::optional<std::string>& value, const char* key, const char* option) {
    if (value) overrides.push_back({key, *value, option});
  };
  add(command_line.idle_timeout, "flows.idle_timeout", "--idle-timeout");
  add(command_line.active_timeout, "flows.active_timeout", "--active-timeout");
  add(command_line.max_flows, "flows.max_flows", "--max-flows");
  add(command_line.progress, "input.progress", "--progress");
  add(command_line.output_directory, "output.directory", "--output");
  add(command_line.workers, "pipeline.workers", "--workers");
  add(command_line.format, "output.format", "--format");
  add(command_line.labels_file, "labels.file", "--labels");
  add(command_line.labels_format, "labels.format", "--labels-format");
  add(command_line.metrics_listen, "metrics.listen", "--metrics-listen");
  add(command_line.capture_threads, "capture.threads", "--capture-threads");
  add(command_line.filter, "capture.filter", "--filter");
  add(command_line.replay_speed, "input.replay_speed", "--replay-speed");
  add(command_line.state_file, "standardize.state_file", "--state-file");
  add(command_line.user, "process.user", "--user");
  add(command_line.kafka_brokers, "output.kafka.brokers", "--kafka-brokers");
  add(command_line.kafka_topic, "output.kafka.topic", "--kafka-topic");
  add(command_line.sensor_id, "sensor.id", "--sensor-id");
  if (command_line.kafka_brokers) overrides.push_back({"output.kafka.enabled", "true", "--kafka-brokers"});
  if (command_line.no_files) overrides.push_back({"output.files", "false", "--no-files"});
  if (command_line.no_dpi) overrides.push_back({"flows.dpi.enabled", "false", "--no-dpi"});
  if (command_line.no_metrics) overrides.push_back({"metrics.enabled", "false", "--no-metrics"});

  for (const std::string& name : command_line.interfaces) overrides.push_back({"capture.interfaces", name, "--interface"});

  if (!command_line.read_paths.empty()) base.capture.interfaces.clear();
  if (!command_line.interfaces.empty()) {
    base.input.files.clear();
    base.capture.interfaces.clear();
  }
  Config config = apply_config_overrides(std::move(base), overrides);
  if (!command_line.read_paths.empty()) config.input.files = command_line.read_paths;
  return config;
}

}  // namespace flowfeat
