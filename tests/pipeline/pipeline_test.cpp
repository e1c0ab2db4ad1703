#include "flowfeat/pipeline/pipeline.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <filesystem>
#include <random>
#include <sstream>
#include <thread>
#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "fan_reference.hpp"
#include "flowfeat/core/numeric_field.hpp"
#include "flowfeat/sink/record_formatter.hpp"
#include "flowfeat/standardize/standardizer_state.hpp"
#include "http_get.hpp"
#include "memory_source.hpp"
#include "temp_folder.hpp"

namespace flowfeat {
namespace {

using testing::MemorySource;
using testing::TempFolder;

constexpr std::int64_t kStart = 1'700'000'000;

// Several thousand UDP conversations between a few hundred hosts over about four minutes, with
// bursts, quiet gaps (idle expiry) and long conversations (active expiry): enough flows per fan
// window for the metrics to mean something, and enough batches for the graph to cycle its slots.
MemorySource varied_traffic(unsigned seed, int conversations = 6000) {
  std::mt19937 random(seed);
  MemorySource source;
  std::int64_t micros = 0;
  for (int i = 0; i < conversations; ++i) {
    micros += std::uniform_int_distribution<std::int64_t>(0, i % 500 < 20 ? 400'000 : 40'000)(random);
    const std::uint32_t client = 0x0a000000u | std::uniform_int_distribution<std::uint32_t>(1, 300)(random);
    const std::uint32_t server = (i % 7 == 0 ? 0xe0000000u : 0xc0a80000u) |
                                 std::uniform_int_distribution<std::uint32_t>(1, 40)(random);
    const auto sport = static_cast<std::uint16_t>(1024 + i % 60000);
    const auto dport = static_cast<std::uint16_t>(i % 3 == 0 ? 53 : 5000 + i % 11);
    const int packets = std::uniform_int_distribution<int>(1, i % 97 == 0 ? 200 : 6)(random);
    std::int64_t t = micros;
    for (int p = 0; p < packets; ++p) {
      const bool reply = p % 2 == 1;
      source.add(kStart + t / 1'000'000, t % 1'000'000,
                 testing::udp_frame(reply ? server : client, reply ? client : server, reply ? dport : sport,
                                    reply ? sport : dport, testing::dns_query_payload(static_cast<std::uint8_t>(p))));
      t += std::uniform_int_distribution<std::int64_t>(100, 900'000)(random);
    }
  }
  // Packets must come in time order, as from a capture.
  return source;
}

// varied_traffic with the frames sorted by time (each conversation was generated on its own).
MemorySource sorted_traffic(unsigned seed, int conversations = 6000) {
  MemorySource unsorted = varied_traffic(seed, conversations);
  struct Frame {
    std::int64_t sec, usec;
    std::vector<std::uint8_t> bytes;
  };
  std::vector<Frame> frames;
  RawPacket raw;
  while (unsorted.next(raw)) {
    frames.push_back({raw.ts_sec, raw.ts_usec, std::vector<std::uint8_t>(raw.data, raw.data + raw.captured_length)});
  }
  std::stable_sort(frames.begin(), frames.end(),
                   [](const Frame& a, const Frame& b) { return a.sec != b.sec ? a.sec < b.sec : a.usec < b.usec; });
  MemorySource source;
  for (Frame& f : frames) source.add(f.sec, f.usec, std::move(f.bytes));
  return source;
}

Config test_config(const std::filesystem::path& output, std::uint32_t workers) {
  Config config;
  config.output.directory = output.string();
  config.pipeline.workers = workers;
  config.flows.idle_timeout_ms = 5'000;
  config.flows.active_timeout_ms = 30'000;
  config.features.quantile_warmup = 100;
  return config;
}

// The record files of a folder, in name (= creation) order.
std::vector<std::filesystem::path> record_files(const std::filesystem::path& folder) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().filename().string().rfind("flows-", 0) == 0) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The content of every record file of a folder, in order.
std::string output_text(const std::filesystem::path& folder) {
  std::string text;
  for (const auto& file : record_files(folder)) text += testing::read_text(file);
  return text;
}

// The rows of every record file of a folder without their header lines, in order.
std::string record_rows(const std::filesystem::path& folder) {
  std::string rows;
  for (const auto& file : record_files(folder)) {
    const std::string text = testing::read_text(file);
    rows += text.substr(text.find('\n') + 1);
  }
  return rows;
}

// The frames of `from` appended to `into`, seconds later.
void append_shifted(MemorySource& into, MemorySource& from, std::int64_t seconds) {
  RawPacket raw;
  from.rewind();
  while (from.next(raw)) {
    into.add(raw.ts_sec + seconds, raw.ts_usec, std::vector<std::uint8_t>(raw.data, raw.data + raw.captured_length));
  }
  from.rewind();
}

PipelineSummary run_into(const Config& config, MemorySource& source, PipelineOptions options = {}) {
  Metrics metrics(MetricsOptions{.enabled = false});
  Pipeline pipeline(config, metrics, std::move(options));
  return pipeline.run(source);
}

TEST(Pipeline, OutputIsByteIdenticalWithOneTwoAndFourWorkers) {
  MemorySource source = sorted_traffic(1);
  std::vector<std::string> outputs;
  for (std::uint32_t workers : {1u, 2u, 4u}) {
    TempFolder folder;
    source.rewind();
    const PipelineSummary summary = run_into(test_config(folder.path(), workers), source);
    EXPECT_EQ(summary.shards, workers);
    ASSERT_TRUE(summary.files);
    EXPECT_GT(summary.files->records_written, 5000u);
    EXPECT_GT(summary.flows.flows_ended_active, 0u);
    outputs.push_back(output_text(folder.path()));
  }
  ASSERT_FALSE(outputs[0].empty());
  EXPECT_TRUE(outputs[0] == outputs[1]) << "1 vs 2 workers differ";
  EXPECT_TRUE(outputs[0] == outputs[2]) << "1 vs 4 workers differ";
}

// The flow columns of a record as the CSV writes them.
std::string flow_text(const FlowRecord& flow) {
  OutputLayout layout;
  layout.fans = false;
  layout.derived = false;
  FeatureRecord record;
  record.flow = flow;
  const std::unique_ptr<RecordFormatter> csv = make_record_formatter(OutputFormat::kCsv, layout);
  std::string text(csv->max_record_bytes(), '\0');
  text.resize(static_cast<std::size_t>(csv->format(record, text.data()) - text.data()));
  return text;
}

// output.columns: flow skips the fan window and enrichment: the same flows with the same flow
// columns, released as they end (so in another order), whatever the number of workers.
TEST(Pipeline, FlowColumnsAloneAreTheFullRecordsFlowsInFlowIdOrder) {
  MemorySource source = sorted_traffic(3);
  const auto records_of = [&](const Config& config) {
    std::vector<FeatureRecord> records;
    source.rewind();
    PipelineOptions options;
    options.write_files = false;
    options.consumer = [&records](const FeatureRecord& r) { records.push_back(r); };
    Config quiet = config;
    quiet.output.files = false;
    run_into(quiet, source, std::move(options));
    return records;
  };
  TempFolder folder;
  Config flow_only = test_config(folder.path(), 1);
  flow_only.output.columns = "flow";
  const std::vector<FeatureRecord> flows = records_of(flow_only);
  flow_only.pipeline.workers = 4;
  const std::vector<FeatureRecord> flows_four_workers = records_of(flow_only);
  std::vector<FeatureRecord> full = records_of(test_config(folder.path(), 2));
  ASSERT_GT(flows.size(), 5000u);
  ASSERT_EQ(flows.size(), full.size());
  ASSERT_EQ(flows.size(), flows_four_workers.size());
  std::sort(full.begin(), full.end(), [](const auto& a, const auto& b) { return a.flow.flow_id < b.flow.flow_id; });
  std::uint64_t released_early = 0;
  for (std::size_t i = 0; i < flows.size(); ++i) {
    EXPECT_EQ(flows[i].flow.flow_id, flows_four_workers[i].flow.flow_id) << i;
    const auto same = std::lower_bound(full.begin(), full.end(), flows[i].flow.flow_id,
                                       [](const FeatureRecord& r, std::uint64_t id) { return r.flow.flow_id < id; });
    ASSERT_TRUE(same != full.end() && same->flow.flow_id == flows[i].flow.flow_id);
    EXPECT_EQ(flow_text(same->flow), flow_text(flows[i].flow)) << "flow " << flows[i].flow.flow_id;
    EXPECT_EQ(flows[i].fans, FanMetrics{}) << "no fan window";
    EXPECT_EQ(flows[i].one_hot, 0u);
    released_early += i > 0 && flows[i].flow.flow_id < flows[i - 1].flow.flow_id;
  }
  EXPECT_GT(released_early, 0u) << "flows leave when they end, not in start order";
  Metrics metrics(MetricsOptions{.enabled = false});
  EXPECT_EQ(Pipeline(flow_only, metrics).schema().size(), Schema::flow_record().size() + 1) << "and sensor";
}

TEST(Pipeline, FanMetricsEqualTheSeedDefinition) {
  MemorySource source = sorted_traffic(2);
  std::vector<FeatureRecord> records;
  run_into(test_config("unused", 2), source,
           {.write_files = false, .consumer = [&](const FeatureRecord& r) { records.push_back(r); }});
  ASSERT_GT(records.size(), 5000u);
  std::vector<testing::FanInput> inputs;
  for (const FeatureRecord& r : records) inputs.push_back(testing::fan_input(r.flow));
  const std::vector<FanMetrics> expected = testing::brute_force_fans(inputs, 5000);
  std::size_t wide = 0;
  for (std::size_t i = 0; i < records.size(); ++i) {
    ASSERT_EQ(records[i].fans, expected[i]) << "record " << i;
    if (records[i].fans.fan_out_src > 3) ++wide;
  }
  EXPECT_GT(wide, 100u);  // the windows hold many peers, so the comparison means something
}

TEST(Pipeline, FlowIdsAreUniqueAndEveryPacketIsInOneRecord) {
  MemorySource source = sorted_traffic(3);
  std::vector<std::uint64_t> ids;
  std::uint64_t packets = 0;
  const PipelineSummary summary =
      run_into(test_config("unused", 3), source, {.write_files = false, .consumer = [&](const FeatureRecord& r) {
                                                    ids.push_back(r.flow.flow_id);
                                                    packets += r.flow.bidirectional_packets;
                                                  }});
  EXPECT_EQ(packets, summary.packets_decoded);
  EXPECT_EQ(summary.records, ids.size());
  EXPECT_EQ(summary.flows.flows_created, ids.size());
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end());
}

TEST(Pipeline, SavedStandardizerStateEqualsATwoPassComputationOverTheRecords) {
  TempFolder folder;
  MemorySource source = sorted_traffic(4);
  const Config config = test_config(folder.path(), 2);
  std::vector<NumericField> fields;
  for (const std::string& name : config.standardize.columns) fields.push_back(*NumericField::find(name));
  std::vector<std::vector<double>> values(fields.size());
  run_into(config, source, {.consumer = [&](const FeatureRecord& r) {
             for (std::size_t i = 0; i < fields.size(); ++i) values[i].push_back(fields[i].read(r));
           }});
  const StandardizerState state =
      StandardizerState::read(folder.path() / "standardizer.state", StandardizeMode::kRunning);
  ASSERT_EQ(state.columns.size(), fields.size());
  EXPECT_EQ(state.samples, values[0].size());
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const std::vector<double>& v = values[i];
    long double sum = 0;
    for (double x : v) sum += x;
    const long double mean = sum / static_cast<long double>(v.size());
    long double squares = 0;
    for (double x : v) squares += (x - mean) * (x - mean);
    const double stddev = static_cast<double>(std::sqrt(squares / static_cast<long double>(v.size())));
    const auto close = [](double a, double b) { return std::abs(a - b) <= 1e-9 * std::max(std::abs(b), 1e-300); };
    EXPECT_TRUE(close(state.columns[i].mean, static_cast<double>(mean)))
        << state.columns[i].name << ": " << state.columns[i].mean << " vs " << static_cast<double>(mean);
    const double saved_std = std::sqrt(state.columns[i].m2 / static_cast<double>(state.columns[i].count));
    EXPECT_TRUE(close(saved_std, stddev) || (stddev == 0 && saved_std == 0))
        << state.columns[i].name << ": " << saved_std << " vs " << stddev;
  }
}

// Three captures days apart as one stream (of three files), and as three runs into one folder that
// share its state file: the same rows in the same order, every column (the quantile flags and the
// _z columns included). Runs that do not share it differ, so the state is what makes them agree.
TEST(Pipeline, RunsSharingTheStateFileGiveTheRecordsOfOneStream) {
  TempFolder folder;
  std::vector<std::unique_ptr<MemorySource>> captures;
  MemorySource one_stream;
  for (unsigned i = 0; i < 3; ++i) {
    MemorySource traffic = sorted_traffic(30 + i, 2500);
    captures.push_back(std::make_unique<MemorySource>());
    append_shifted(*captures.back(), traffic, std::int64_t{i} * 3 * 86'400);
    append_shifted(one_stream, *captures.back(), 0);
    one_stream.end_file();
  }
  run_into(test_config(folder.path() / "one", 2), one_stream);
  const std::string expected = record_rows(folder.path() / "one");
  ASSERT_FALSE(expected.empty());

  for (const auto& capture : captures) {
    capture->rewind();
    run_into(test_config(folder.path() / "shared", 2), *capture);
  }
  EXPECT_TRUE(record_rows(folder.path() / "shared") == expected) << "separate runs sharing the state differ";
  const StandardizerState state =
      StandardizerState::read(folder.path() / "shared" / "standardizer.state", StandardizeMode::kRunning);
  ASSERT_TRUE(state.quantiles.has_value());
  EXPECT_EQ(state.quantiles->records, state.samples);

  std::string fresh;
  for (std::size_t i = 0; i < captures.size(); ++i) {
    const std::filesystem::path out = folder.path() / ("fresh-" + std::to_string(i));
    captures[i]->rewind();
    run_into(test_config(out, 2), *captures[i]);
    fresh += record_rows(out);
  }
  EXPECT_FALSE(fresh.empty());
  EXPECT_FALSE(fresh == expected) << "runs without the state should flag differently";
}

// A state file of the previous version (no quantiles) still gives its statistics; the quantiles
// start afresh. One that is cut short is refused, naming it, and left as it was.
TEST(Pipeline, AnOldStateFileLoadsItsStatisticsAndACutOneIsRefused) {
  TempFolder folder;
  MemorySource capture = sorted_traffic(41, 1500);
  const std::filesystem::path out = folder.path() / "out";
  run_into(test_config(out, 1), capture);
  const std::filesystem::path state_file = out / "standardizer.state";
  const std::string saved = testing::read_text(state_file);

  // The same statistics without the quantile lines, as version 1.
  std::string old_version;
  std::istringstream lines(saved);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("quantile", 0) == 0) continue;
    old_version += (line == "version 2" ? "version 1" : line) + "\n";
  }
  testing::write_text(state_file, old_version);
  capture.rewind();
  run_into(test_config(out, 1), capture);
  const StandardizerState after_old = StandardizerState::read(state_file, StandardizeMode::kRunning);
  EXPECT_EQ(after_old.version, 2u);
  ASSERT_TRUE(after_old.quantiles.has_value());
  EXPECT_EQ(after_old.samples, 2 * after_old.quantiles->records) << "the statistics carried on, the quantiles restarted";

  const std::string whole = testing::read_text(state_file);
  const std::string cut = whole.substr(0, whole.size() / 2);
  testing::write_text(state_file, cut);
  Metrics metrics(MetricsOptions{.enabled = false});
  try {
    Pipeline pipeline(test_config(out, 1), metrics);
    FAIL() << "a cut state file was accepted";
  } catch (const PipelineSetupError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("standardize.state_file: " + state_file.string() + ":", 0), 0u) << e.what();
  }
  EXPECT_EQ(testing::read_text(state_file), cut) << "the refused file is left as it was";
}

TEST(Pipeline, AStageThatThrowsEndsTheRunWithItsMessageAfterDraining) {
  MemorySource source = sorted_traffic(5, 2000);
  std::size_t seen = 0;
  Metrics metrics(MetricsOptions{.enabled = false});
  Pipeline pipeline(test_config("unused", 2), metrics,
                    {.write_files = false, .consumer = [&](const FeatureRecord&) {
                       if (++seen == 10) throw std::runtime_error("consumer gave up");
                     }});
  try {
    pipeline.run(source);
    FAIL() << "no PipelineError";
  } catch (const PipelineError& e) {
    EXPECT_EQ(std::string(e.what()), "sink stage: consumer gave up");
  }
  EXPECT_EQ(seen, 10u);
  EXPECT_EQ(metrics.stage_errors("sink").value(), 1.0);
}

TEST(Pipeline, SetupErrorsNameTheKeyAtFault) {
  TempFolder folder;
  const auto error_of = [&](const Config& config) -> std::string {
    Metrics metrics(MetricsOptions{.enabled = false});
    try {
      Pipeline pipeline(config, metrics);
    } catch (const PipelineSetupError& e) {
      return e.what();
    }
    return "no error";
  };
  Config config = test_config(folder.path() / "out", 1);
  config.standardize.columns = {"bidirectional_packets", "src_ip"};
  EXPECT_EQ(error_of(config).rfind("standardize.columns: \"src_ip\" is not a numeric column", 0), 0u) << error_of(config);

  config = test_config(folder.path() / "out", 1);
  config.standardize.mode = "frozen";
  EXPECT_EQ(error_of(config).rfind("standardize.state_file: frozen mode needs", 0), 0u) << error_of(config);

  config = test_config(folder.path() / "out", 1);
  config.labels.file = (folder.path() / "missing.csv").string();
  EXPECT_EQ(error_of(config).rfind("labels.file: ", 0), 0u) << error_of(config);

  testing::write_text(folder.path() / "plain-file", "x");
  config = test_config(folder.path() / "plain-file" / "out", 1);
  EXPECT_EQ(error_of(config).rfind("output.directory: ", 0), 0u) << error_of(config);

  config = test_config(folder.path() / "out", 1);
  std::filesystem::create_directories(folder.path() / "out");
  testing::write_text(folder.path() / "out" / "standardizer.state", "version 1\nbroken\n");
  EXPECT_EQ(error_of(config).rfind("standardize.state_file: ", 0), 0u) << error_of(config);
}

TEST(Pipeline, OneSlotInFlightGivesTheSameOutput) {
  MemorySource source = sorted_traffic(6, 3000);
  std::vector<std::string> outputs;
  for (std::uint32_t slots : {16u, 1u}) {
    TempFolder folder;
    Config config = test_config(folder.path(), 2);
    config.pipeline.queue_batches = slots;
    source.rewind();
    run_into(config, source);
    outputs.push_back(output_text(folder.path()));
  }
  EXPECT_FALSE(outputs[0].empty());
  EXPECT_TRUE(outputs[0] == outputs[1]);
}

TEST(Pipeline, ALiveSourceWaitsForAFreeBatchByDefault) {
  MemorySource source = sorted_traffic(7, 3000);
  Config config = test_config("unused", 1);
  config.pipeline.queue_batches = 1;
  ASSERT_EQ(config.capture.on_full, "wait");
  std::vector<std::uint64_t> waited;
  std::vector<std::uint64_t> unhurried;
  for (std::vector<std::uint64_t>* ids : {&waited, &unhurried}) {
    Metrics metrics(MetricsOptions{.enabled = false});
    const bool slow = ids == &waited;
    Pipeline pipeline(config, metrics,
                      {.write_files = false,
                       .consumer =
                           [&, slow](const FeatureRecord& record) {
                             if (slow) std::this_thread::sleep_for(std::chrono::microseconds(50));
                             ids->push_back(record.flow.flow_id);
                           },
                       .admission = slow ? Admission::kDropWhenFull : Admission::kWait});
    source.rewind();
    const PipelineSummary summary = pipeline.run(source);
    EXPECT_EQ(summary.packets_read, source.size());
    EXPECT_EQ(summary.packets_dropped, 0u) << "a waiting capture drops nothing at the queue";
    EXPECT_EQ(metrics.packets_dropped("queue").value(), 0.0);
  }
  EXPECT_FALSE(waited.empty());
  EXPECT_EQ(waited, unhurried) << "a capture that waits for the graph loses no record";
}

TEST(Pipeline, ALiveSourceWithOnFullDropDropsAndCountsInsteadOfWaiting) {
  MemorySource source = sorted_traffic(7, 3000);
  Config config = test_config("unused", 1);
  config.pipeline.queue_batches = 1;
  config.capture.on_full = "drop";
  Metrics metrics(MetricsOptions{.enabled = false});
  Pipeline pipeline(config, metrics,
                    {.write_files = false,
                     .consumer = [](const FeatureRecord&) { std::this_thread::sleep_for(std::chrono::microseconds(50)); },
                     .admission = Admission::kDropWhenFull});
  const PipelineSummary summary = pipeline.run(source);
  EXPECT_EQ(summary.packets_read, source.size());
  EXPECT_EQ(summary.packets_read, summary.packets_decoded + summary.packets_ignored_total() + summary.packets_dropped);
  EXPECT_GT(summary.packets_dropped, 0u);
  EXPECT_EQ(metrics.packets_dropped("queue").value(), static_cast<double>(summary.packets_dropped));
}

TEST(Pipeline, MetricsScrapedOverHttpMatchTheRun) {
  TempFolder folder;
  MemorySource source = sorted_traffic(8, 2000);
  Metrics metrics(MetricsOptions{.enabled = true, .listen_address = "127.0.0.1:0"});
  Pipeline pipeline(test_config(folder.path(), 2), metrics, {.source_name = "memory"});
  const PipelineSummary summary = pipeline.run(source);
  const testing::HttpResponse response = testing::http_get(metrics.port());
  ASSERT_EQ(response.status, 200) << response.error;
  const auto has = [&](const std::string& line) { return response.body.find(line + "\n") != std::string::npos; };
  EXPECT_TRUE(has("flowfeat_packets_received_total{source=\"memory\"} " + std::to_string(summary.packets_read)));
  EXPECT_TRUE(has("flowfeat_flows_created_total " + std::to_string(summary.flows.flows_created)));
  EXPECT_TRUE(has("flowfeat_records_written_total " + std::to_string(summary.files->records_written)));
  EXPECT_TRUE(has("flowfeat_output_files_rotated_total " + std::to_string(summary.files->files_finished)));
  EXPECT_TRUE(has("flowfeat_flows_active 0"));
  EXPECT_TRUE(has("flowfeat_standardizer_samples " + std::to_string(summary.standardizer_samples)));
}

// 20,000 flows, all still open when the input ends: far more than one slot carries, so the end of
// input is followed by further end slots. Every record arrives once, in flow_id order, the files
// are finished once, and a pool of one or two batches is enough (no wait on a batch that cannot
// come back).
TEST(Pipeline, AFullTableAtTheEndLeavesInSlotSizedPieces) {
  MemorySource source;
  for (int i = 0; i < 20000; ++i) {
    source.add(kStart, i * 10, testing::udp_frame(0x0a000000u | static_cast<std::uint32_t>(i), 0xc0a80001u,
                                                  static_cast<std::uint16_t>(1024 + i % 50000), 53,
                                                  testing::dns_query_payload(1)));
  }
  std::string reference;
  for (const std::uint32_t slots : {8u, 2u, 1u}) {
    for (const std::uint32_t workers : {1u, 2u}) {
      TempFolder folder;
      Config config = test_config(folder.path(), workers);
      config.pipeline.queue_batches = slots;
      std::vector<std::uint64_t> ids;
      source.rewind();
      const PipelineSummary summary =
          run_into(config, source, {.consumer = [&](const FeatureRecord& r) { ids.push_back(r.flow.flow_id); }});
      EXPECT_EQ(summary.records, 20000u) << slots << " slots, " << workers << " workers";
      ASSERT_EQ(ids.size(), 20000u);
      EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
      EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end());  // none twice
      ASSERT_TRUE(summary.files.has_value());
      EXPECT_EQ(summary.files->records_written, 20000u);
      EXPECT_EQ(summary.files->files_finished, 1u);
      const std::string text = output_text(folder.path());
      if (reference.empty()) reference = text;
      EXPECT_TRUE(text == reference) << slots << " slots, " << workers << " workers";
    }
  }
}

TEST(Pipeline, EachStageAccountsForItsCpuTime) {
  TempFolder folder;
  MemorySource source = sorted_traffic(9, 20000);
  Metrics metrics(MetricsOptions{.enabled = false});
  Pipeline pipeline(test_config(folder.path(), 2), metrics);
  const auto before = std::chrono::steady_clock::now();
  const PipelineSummary summary = pipeline.run(source);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - before).count();
  double total = 0.0;
  for (std::size_t i = 0; i < kPipelineStageCount; ++i) {
    const double seconds = summary.stage_cpu_seconds[i];
    EXPECT_GT(seconds, 0.0) << kPipelineStageNames[i];
    EXPECT_NEAR(metrics.stage_cpu_seconds(kPipelineStageNames[i]).value(), seconds, 1e-6) << kPipelineStageNames[i];
    total += seconds;
  }
  // Thread CPU time: no more than the run's wall time on every thread the run may use (the reader
  // and one per shard), and the flow shards, which do most of the work, have the most.
  EXPECT_LT(total, wall * 3.0);
  EXPECT_GT(summary.stage_cpu_seconds[static_cast<std::size_t>(PipelineStage::kFlow)],
            summary.stage_cpu_seconds[static_cast<std::size_t>(PipelineStage::kSink)]);
}

TEST(Pipeline, GroundTruthLabelsFlowsInEitherDirection) {
  TempFolder folder;
  MemorySource source;
  source.add(kStart, 0, testing::udp_frame(0x0a000001u, 0x0a000002u, 1111, 53, testing::dns_query_payload(1)));
  source.add(kStart, 10, testing::udp_frame(0x0a000003u, 0x0a000004u, 2222, 53, testing::dns_query_payload(2)));
  source.add(kStart, 20, testing::udp_frame(0x0a000005u, 0x0a000006u, 3333, 53, testing::dns_query_payload(3)));
  testing::write_text(folder.path() / "truth.csv",
                      "srcip,sport,dstip,dsport,proto,attack_cat,Label\n"
                      "10.0.0.1,1111,10.0.0.2,53,udp,Reconnaissance,1\n"
                      "10.0.0.4,53,10.0.0.3,2222,17,Fuzzers,1\n"
                      "10.0.0.5,3333,10.0.0.6,53,udp,,0\n");
  Config config = test_config(folder.path() / "out", 1);
  config.labels.file = (folder.path() / "truth.csv").string();
  std::vector<FeatureRecord> records;
  Metrics metrics(MetricsOptions{.enabled = false});
  Pipeline pipeline(config, metrics, {.consumer = [&](const FeatureRecord& r) { records.push_back(r); }});
  EXPECT_TRUE(pipeline.schema().index_of("label"));
  EXPECT_TRUE(pipeline.schema().index_of("attack_cat"));
  pipeline.run(source);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].verdict.label, 1);
  EXPECT_EQ(records[0].verdict.attack_cat(), "Reconnaissance");
  EXPECT_EQ(records[1].verdict.label, 1);
  EXPECT_EQ(records[1].verdict.attack_cat(), "Fuzzers");
  EXPECT_EQ(records[2].verdict.label, 0);
  EXPECT_EQ(metrics.records_labeled("1").value(), 2.0);
  const std::string csv = output_text(folder.path() / "out");
  EXPECT_NE(csv.find(",1,Reconnaissance,"), std::string::npos) << csv.substr(0, 2000);
}

// A CIC-IDS2017 ground truth of three DNS flows on Tuesday 4 July 2017, 13:05 in the lab (16:05
// UTC): read as the preset says, every flow matches; read in the wrong zone or with day and month
// swapped, none does, and the summary says which flows' 5-tuples were there and why they missed.
TEST(Pipeline, CicIds2017LabelsMatchAndAMismatchIsExplained) {
  TempFolder folder;
  constexpr std::int64_t kTuesday = 1499184310;  // 2017-07-04T16:05:10Z
  const auto capture = [] {
    MemorySource source;
    for (std::uint8_t i = 1; i <= 3; ++i) {
      source.add(kTuesday + i, 0,
                 testing::udp_frame(0x0a000000u + i, 0x0a0000ffu, static_cast<std::uint16_t>(1000 + i), 53,
                                    testing::dns_query_payload(i)));
    }
    return source;
  };
  const auto write_truth = [&](const std::string& date) {
    std::string text = "Flow ID, Source IP, Source Port, Destination IP, Destination Port, Protocol, Timestamp, "
                       "Flow Duration, Label\n";
    for (int i = 1; i <= 3; ++i) {
      text += "x,10.0.0." + std::to_string(i) + "," + std::to_string(1000 + i) + ",10.0.0.255,53,17," + date +
              " 1:05,60000000," + (i == 2 ? "DoS Hulk" : "BENIGN") + "\n";
    }
    testing::write_text(folder.path() / "truth.csv", text);
  };
  Config config = test_config(folder.path() / "out", 1);
  config.labels.file = (folder.path() / "truth.csv").string();
  config.labels.format = "cic-ids";
  const auto labels_of = [&] {
    MemorySource source = capture();
    return run_into(config, source, {.write_files = false}).labels;
  };

  write_truth("4/7/2017");
  const LabelMatchStats right = labels_of();
  EXPECT_EQ(right.matched(), 3u);
  EXPECT_EQ(right.unmatched_by_time, 0u);
  EXPECT_FALSE(right.time_mismatch()) << *right.time_mismatch();
  ASSERT_TRUE(right.flow_span && right.file_span);
  EXPECT_EQ(right.flow_span->first_ms, (kTuesday + 1) * 1000);
  EXPECT_EQ(right.flow_span->last_ms, (kTuesday + 3) * 1000);
  EXPECT_EQ(right.file_span->first_ms, 1499184300000);  // 2017-07-04T16:05:00Z

  config.labels.time_zone = "UTC";  // the lab's times read as UTC: 3 hours early
  const LabelMatchStats zone = labels_of();
  EXPECT_EQ(zone.matched(), 0u);
  EXPECT_EQ(zone.unmatched_by_time, 3u);
  const std::optional<std::string> zone_text = zone.time_mismatch();
  ASSERT_TRUE(zone_text);
  EXPECT_NE(zone_text->find("0 of 3 flows matched"), std::string::npos) << *zone_text;
  EXPECT_NE(zone_text->find("the file's rows span 2017-07-04 13:05:00 UTC"), std::string::npos) << *zone_text;
  EXPECT_NE(zone_text->find("the capture's flows 2017-07-04 16:05:11 UTC to 2017-07-04 16:05:13 UTC"),
            std::string::npos)
      << *zone_text;
  EXPECT_NE(zone_text->find("likely fix: labels.time_zone: the file's rows begin 3 h earlier"), std::string::npos)
      << *zone_text;

  config.labels.time_zone.clear();
  write_truth("7/4/2017");  // month first: 7 April for the preset
  const LabelMatchStats swapped = labels_of();
  EXPECT_EQ(swapped.matched(), 0u);
  EXPECT_EQ(swapped.unmatched_by_time, 3u);
  const std::optional<std::string> swapped_text = swapped.time_mismatch();
  ASSERT_TRUE(swapped_text);
  EXPECT_NE(swapped_text->find("likely fix: the date order: read with day and month swapped"), std::string::npos)
      << *swapped_text;
}

TEST(Pipeline, StopRequestEndsTheRunAndFlushesEveryFlow) {
  MemorySource source = sorted_traffic(9, 20000);
  Metrics metrics(MetricsOptions{.enabled = false});
  Config config = test_config("unused", 2);
  config.pipeline.queue_batches = 2;  // the reader is at most two batches ahead of the sink
  std::uint64_t packets = 0;
  Pipeline* self = nullptr;
  Pipeline pipeline(config, metrics, {.write_files = false, .consumer = [&](const FeatureRecord& r) {
                                        packets += r.flow.bidirectional_packets;
                                        self->request_stop();
                                      }});
  self = &pipeline;
  const PipelineSummary summary = pipeline.run(source);
  EXPECT_LT(summary.packets_read, source.size());
  EXPECT_EQ(packets, summary.packets_decoded);  // every packet read is in a record
}

TEST(Pipeline, RotationRequestFinishesTheFileInBandAndLosesNothing) {
  TempFolder folder;
  MemorySource source = sorted_traffic(10, 20000);
  Metrics metrics(MetricsOptions{.enabled = false});
  Config config = test_config(folder.path(), 2);
  config.pipeline.queue_batches = 2;  // the reader is at most two batches ahead of the sink
  config.output.rotate_bytes = 0;
  config.output.rotate_age_ms = 0;
  Pipeline* self = nullptr;
  std::uint64_t records = 0;
  Pipeline pipeline(config, metrics, {.consumer = [&](const FeatureRecord&) {
                                        if (++records == 100) self->request_rotation();
                                      }});
  self = &pipeline;
  const PipelineSummary summary = pipeline.run(source);
  ASSERT_TRUE(summary.files);
  EXPECT_EQ(summary.files->files_finished, 2u);  // the one rotated, and the last
  EXPECT_EQ(summary.files->records_written, records);
  std::size_t rows = 0, headers = 0;
  for (const auto& entry : std::filesystem::directory_iterator(folder.path())) {
    if (entry.path().filename().string().rfind("flows-", 0) != 0) continue;
    std::istringstream text(testing::read_text(entry.path()));
    for (std::string line; std::getline(text, line);) (line.rfind("src_ip,", 0) == 0 ? headers : rows) += 1;
  }
  EXPECT_EQ(headers, 2u);
  EXPECT_EQ(rows, records);
}

}  // namespace
}  // namespace flowfeat
