#include "native_run.hpp"

#include <filesystem>
#include <utility>

#include "flowfeat/capture/pcap_file_source.hpp"
#include "flowfeat/config/config_error.hpp"
#include "flowfeat/config/config_loader.hpp"

#include <spdlog/spdlog.h>

namespace flowfeat::python {
namespace {

// Problems of the keyword arguments name their key; the line of the generated document means nothing.
Config with_keywords(const std::string& keywords, Config base) {
  try {
    return load_config_text(keywords, "keyword arguments", std::move(base));
  } catch (const ConfigError& e) {
    std::vector<ConfigError::Problem> problems = e.problems();
    for (ConfigError::Problem& p : problems) p.line = 0;
    throw ConfigError("keyword arguments", std::move(problems));
  }
}

// A capture file named by the caller must be readable; a folder's files are checked as they come.
void check_named_files(const std::vector<std::string>& files) {
  for (const std::string& file : files) {
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec)) continue;
    if (auto problem = PcapFileSource::problem_with(file)) throw CaptureFileError(file + ": " + *problem);
  }
}

}  // namespace

Config request_config(const RunRequest& request, bool need_source) {
  Config config;
  config.output.files = false;
  config.metrics.enabled = false;
  config.input.progress = "never";
  config.logging.level = "warn";
  if (!request.config_file.empty()) config = load_config_file(request.config_file, std::move(config));
  if (!request.keywords.empty()) config = with_keywords(request.keywords, std::move(config));
  if (!request.files.empty() || !request.interfaces.empty()) {
    config.input.files = request.files;
    config.capture.interfaces = request.interfaces;
  }
  if (auto problem = capture_source_problem(config, need_source)) throw ConfigError("source", {{"", *problem, 0}});
  check_named_files(config.input.files);
  return config;
}

NativeRun::NativeRun(const RunRequest& request, std::size_t batch_rows, std::size_t queue_batches)
    : config_(request_config(request, true)),
      metrics_(std::make_unique<Metrics>(MetricsOptions{.enabled = config_.metrics.enabled,
                                                        .listen_address = config_.metrics.listen})),
      capture_(std::make_unique<CaptureInputs>(config_)),
      pipeline_(std::make_unique<Pipeline>(config_, *metrics_, pipeline_options())),
      batch_rows_(batch_rows == 0 ? 1 : batch_rows),
      queue_batches_(queue_batches == 0 ? 1 : queue_batches),
      batches_(pipeline_->layout()) {
  spdlog::set_level(spdlog::level::from_str(config_.logging.level));
}

NativeRun::~NativeRun() { close(); }

PipelineOptions NativeRun::pipeline_options() {
  PipelineOptions options;
  options.write_files = config_.output.files;
  // A state file named in standardize.state_file is kept even when no record file is written.
  options.keep_state = config_.output.files || !config_.standardize.state_file.empty();
  options.admission = capture_->admission();
  options.source_name = capture_->live() ? "interface" : "file";
  options.consumer = [this](const FeatureRecord& record) { on_record(record); };
  options.progress = [this](const SourceStats& stats, std::uint64_t packets, std::uint64_t active_flows) {
    bytes_read_.store(stats.input_bytes_read, std::memory_order_relaxed);
    bytes_total_.store(stats.input_bytes_total, std::memory_order_relaxed);
    packets_.store(packets, std::memory_order_relaxed);
    active_flows_.store(active_flows, std::memory_order_relaxed);
  };
  return options;
}

namespace {
std::atomic<std::size_t> unjoined_threads{0};
}  // namespace

std::size_t NativeRun::threads_running() noexcept { return unjoined_threads.load(); }

void NativeRun::start() {
  thread_ = std::thread([this] { run(); });
  unjoined_threads.fetch_add(1);
}

void NativeRun::run() noexcept {
  InterruptScope interrupt_scope(*pipeline_);
  try {
    summary_ = pipeline_->run(capture_->inputs());
  } catch (...) {
    std::lock_guard lock(mutex_);
    error_ = std::current_exception();
  }
  interrupted_.store(interrupt_scope.interrupted());
  std::unique_lock lock(mutex_);
  if (batches_.rows() != 0 && !closed_) hand_out_locked(lock);
  ended_ = true;
  changed_.notify_all();
}

void NativeRun::on_record(const FeatureRecord& record) {
  records_.fetch_add(1, std::memory_order_relaxed);
  std::unique_lock lock(mutex_);
  if (closed_) return;
  if (batches_.rows() == 0) batch_started_ = std::chrono::steady_clock::now();
  batches_.append(record);
  if (batches_.rows() >= batch_rows_) hand_out_locked(lock);
}

void NativeRun::hand_out_locked(std::unique_lock<std::mutex>& lock) {
  changed_.wait(lock, [this] { return queue_.size() < queue_batches_ || closed_; });
  if (closed_) return;
  ArrowArray batch{};
  batches_.finish(&batch);
  queue_.push_back(batch);
  changed_.notify_all();
}

NativeRun::Next NativeRun::next(ArrowArray* out, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  if (!thread_.joinable() && !ended_) {
    lock.unlock();
    start();
    lock.lock();
  }
  changed_.wait_for(lock, timeout, [this] { return !queue_.empty() || ended_; });
  if (!queue_.empty()) {
    *out = queue_.front();
    queue_.pop_front();
    changed_.notify_all();
    return Next::kBatch;
  }
  if (!ended_) {
    // A quiet live link: records that have waited a whole timeout go out without a full batch.
    if (batches_.rows() != 0 && std::chrono::steady_clock::now() - batch_started_ >= timeout) {
      batches_.finish(out);
      return Next::kBatch;
    }
    return Next::kWaiting;
  }
  if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
  return Next::kEnd;
}

void NativeRun::stop() noexcept { pipeline_->request_stop(); }

void NativeRun::close() noexcept {
  {
    std::lock_guard lock(mutex_);
    if (closed_ && !thread_.joinable()) return;
    closed_ = true;
    changed_.notify_all();
  }
  pipeline_->request_stop();
  if (thread_.joinable()) {
    thread_.join();
    unjoined_threads.fetch_sub(1);
  }
  std::lock_guard lock(mutex_);
  for (ArrowArray& batch : queue_) batch.release(&batch);
  queue_.clear();
}

RunProgress NativeRun::progress() const noexcept {
  return {.bytes_read = bytes_read_.load(), .bytes_total = bytes_total_.load(), .packets = packets_.load(),
          .active_flows = active_flows_.load(), .records = records_.load()};
}

}  // namespace flowfeat::python
