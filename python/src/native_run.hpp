#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "flowfeat/app/capture_inputs.hpp"
#include "flowfeat/config/config.hpp"
#include "flowfeat/metrics/metrics.hpp"
#include "flowfeat/pipeline/pipeline.hpp"
#include "flowfeat/sink/arrow/arrow_c_abi.h"
#include "flowfeat/sink/arrow/record_batch_builder.hpp"
#include "interrupt_scope.hpp"

namespace flowfeat::python {

// What a Streamer asks for: configuration layers and the source.
struct RunRequest {
  std::string config_file;               // a YAML file, or empty
  std::string keywords;                  // the keyword arguments as a YAML (JSON) document, or empty
  std::vector<std::string> files;        // capture files and folders (input.files), or empty
  std::vector<std::string> interfaces;   // live interfaces (capture.interfaces), or empty
};

// The configuration of a request: the defaults of a front end that keeps records in memory
// (no record files, no metrics endpoint, no progress bar of the daemon's, warnings and errors
// logged), then the file, then the keywords, then the source, which must be there when
// need_source. Throws ConfigError listing every problem, as --check-config does, and
// CaptureFileError for a named capture file that cannot be read.
Config request_config(const RunRequest& request, bool need_source);

// An explicitly named capture file that cannot be read. A file in a folder that cannot be read is
// skipped with a logged error instead, as the daemon does.
class CaptureFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// How far a run has come, for a progress bar.
struct RunProgress {
  std::uint64_t bytes_read = 0;
  std::uint64_t bytes_total = 0;  // of the input files; 0 for live capture
  std::uint64_t packets = 0;
  std::uint64_t active_flows = 0;
  std::uint64_t records = 0;
};

// One run of the pipeline on a thread of its own, its records handed out as Arrow record batches
// through a bounded queue: a consumer slower than the pipeline holds it back (files) rather than
// letting batches pile up. Every method may be called with Python's lock released.
class NativeRun {
 public:
  // Builds the pipeline (loads labels and state, opens interfaces, checks named files). Throws
  // ConfigError, PipelineSetupError, CaptureOpenError, CaptureFileError.
  NativeRun(const RunRequest& request, std::size_t batch_rows, std::size_t queue_batches);
  ~NativeRun();
  NativeRun(const NativeRun&) = delete;
  NativeRun& operator=(const NativeRun&) = delete;

  const Config& config() const noexcept { return config_; }
  void export_schema(ArrowSchema* out) const { batches_.export_schema(out); }

  enum class Next { kBatch, kWaiting, kEnd };

  // The next batch into out (kBatch); kWaiting when none came within timeout (a partial batch older
  // than the timeout is handed out instead, so a quiet live link still delivers); kEnd once every
  // batch has been handed out. When the pipeline failed, the call that would return kEnd first
  // throws PipelineError with the stage's message. Starts the run on the first call.
  Next next(ArrowArray* out, std::chrono::milliseconds timeout);

  // Ends reading; the run then ends every flow and delivers its records. Any thread.
  void stop() noexcept;

  // Stops and waits for the run's thread; batches not taken are dropped. Idempotent.
  void close() noexcept;

  bool interrupted() const noexcept { return interrupted_.load(); }
  bool live() const noexcept { return capture_->live(); }
  RunProgress progress() const noexcept;

  // Threads of runs, started and not yet joined, in the whole process.
  static std::size_t threads_running() noexcept;

  // What the run read and produced, once next() returned kEnd.
  const PipelineSummary& summary() const noexcept { return summary_; }

 private:
  PipelineOptions pipeline_options();  // hands every record and the progress to this run
  void start();
  void run() noexcept;
  void on_record(const FeatureRecord& record);
  void hand_out_locked(std::unique_lock<std::mutex>& lock);  // the partial batch into the queue

  Config config_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<CaptureInputs> capture_;
  std::unique_ptr<Pipeline> pipeline_;
  std::size_t batch_rows_;
  std::size_t queue_batches_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  RecordBatchBuilder batches_;  // guarded by mutex_
  std::chrono::steady_clock::time_point batch_started_;
  std::deque<ArrowArray> queue_;
  bool ended_ = false;   // the run's thread is done: nothing more comes into the queue
  bool closed_ = false;  // the consumer is gone: drop what comes
  std::exception_ptr error_;
  PipelineSummary summary_;

  std::atomic<bool> interrupted_{false};
  std::atomic<std::uint64_t> bytes_read_{0}, bytes_total_{0}, packets_{0}, active_flows_{0}, records_{0};
  std::thread thread_;
};

}  // namespace flowfeat::python
