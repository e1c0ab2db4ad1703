// The native part of the flowfeat Python package: runs of the pipeline and their records as Arrow
// C data (PyCapsules of the Arrow PyCapsule interface). The Python API lives in flowfeat/.
#include <absl/time/time.h>
#include <nanobind/nanobind.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "flowfeat/capture/live_pcap_source.hpp"
#include "flowfeat/config/config_error.hpp"
#include "flowfeat/config/config_loader.hpp"
#include "flowfeat/pipeline/pipeline.hpp"
#include "flowfeat/sink/arrow/arrow_stream.hpp"
#include "flowfeat/sink/arrow/record_batch_builder.hpp"
#include "log_buffer.hpp"
#include "native_run.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace flowfeat::python {
namespace {

// ---- Arrow PyCapsules: the consumer releases the struct's content; the capsule frees the struct.

nb::capsule schema_capsule(ArrowSchema* schema) {
  return nb::capsule(schema, "arrow_schema", [](void* p) noexcept {
    auto* s = static_cast<ArrowSchema*>(p);
    if (s->release != nullptr) s->release(s);
    delete s;
  });
}

nb::capsule array_capsule(ArrowArray* array) {
  return nb::capsule(array, "arrow_array", [](void* p) noexcept {
    auto* a = static_cast<ArrowArray*>(p);
    if (a->release != nullptr) a->release(a);
    delete a;
  });
}

nb::capsule stream_capsule(ArrowArrayStream* stream) {
  return nb::capsule(stream, "arrow_array_stream", [](void* p) noexcept {
    auto* s = static_cast<ArrowArrayStream*>(p);
    if (s->release != nullptr) s->release(s);
    delete s;
  });
}

// ---- errors: the Python classes are flowfeat's own, handed in by flowfeat/__init__.py.

struct ErrorTypes {
  nb::object config, capture, pipeline;
};
ErrorTypes& error_types() {
  static ErrorTypes* types = new ErrorTypes();  // never destroyed: Python may be finalizing
  return *types;
}

void raise(const nb::object& type, PyObject* fallback, const char* message) {
  PyErr_SetString(type.is_valid() ? type.ptr() : fallback, message);
}

void translate(const std::exception_ptr& error, void*) {
  const ErrorTypes& types = error_types();
  try {
    std::rethrow_exception(error);
  } catch (const ConfigError& e) {
    raise(types.config, PyExc_ValueError, e.what());
  } catch (const PipelineSetupError& e) {
    raise(types.config, PyExc_ValueError, e.what());
  } catch (const CaptureFileError& e) {
    raise(types.capture, PyExc_OSError, e.what());
  } catch (const CaptureOpenError& e) {
    raise(types.capture, PyExc_OSError, e.what());
  } catch (const OutputUnavailableError& e) {
    raise(types.capture, PyExc_OSError, e.what());
  } catch (const PipelineError& e) {
    raise(types.pipeline, PyExc_RuntimeError, e.what());
  }
}

// ---- runs

// The handle Python holds; a stream taken from it shares the run, so either may go first.
struct Run {
  std::shared_ptr<NativeRun> native;
};

// The records of a run as a C stream, for consumers that read it themselves (pyarrow, duckdb).
class RunStream final : public RecordBatchSource {
 public:
  explicit RunStream(std::shared_ptr<NativeRun> run) : run_(std::move(run)) {}
  void schema(ArrowSchema* out) override { run_->export_schema(out); }
  void next(ArrowArray* out) override {
    while (run_->next(out, std::chrono::milliseconds(200)) == NativeRun::Next::kWaiting) {
    }
  }

 private:
  std::shared_ptr<NativeRun> run_;
};

RunRequest make_request(std::string config_file, std::string keywords, std::vector<std::string> files,
                        std::vector<std::string> interfaces) {
  return {std::move(config_file), std::move(keywords), std::move(files), std::move(interfaces)};
}

// A time span as two ISO 8601 times in UTC, or None.
nb::object span_text(const std::optional<TimeSpan>& span) {
  if (!span) return nb::none();
  const auto utc = [](std::int64_t ms) {
    return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::FromUnixMillis(ms), absl::UTCTimeZone());
  };
  return nb::make_tuple(utc(span->first_ms), utc(span->last_ms));
}

nb::dict summary_dict(const PipelineSummary& s) {
  nb::dict d;
  d["packets_read"] = s.packets_read;
  d["packets_decoded"] = s.packets_decoded;
  d["packets_ignored"] = s.packets_ignored_total();
  d["packets_dropped"] = s.packets_dropped + s.kernel_drops + s.interface_drops;
  d["flows_ended_idle"] = s.flows.flows_ended_idle;
  d["flows_ended_active"] = s.flows.flows_ended_active;
  d["flows_evicted"] = s.flows.flows_evicted;
  d["peak_active_flows"] = s.flows.peak_active_flows;
  d["records"] = s.records;
  d["records_lost"] = s.records_lost();
  d["labels_unmatched"] = s.labels.unmatched;
  d["labels_one_row"] = s.labels.one_row;
  d["labels_several_rows"] = s.labels.several_rows;
  d["labels_unmatched_by_time"] = s.labels.unmatched_by_time;
  d["labels_file_span"] = span_text(s.labels.file_span);
  d["labels_flow_span"] = span_text(s.labels.flow_span);
  const std::optional<std::string> mismatch = s.labels.time_mismatch();
  d["labels_mismatch"] = mismatch ? nb::cast(*mismatch) : nb::none();
  d["seconds"] = s.seconds;
  d["workers"] = s.shards;
  return d;
}

std::shared_ptr<LogBuffer>& log_buffer() {
  static auto* buffer = new std::shared_ptr<LogBuffer>(std::make_shared<LogBuffer>());
  return *buffer;
}

}  // namespace
}  // namespace flowfeat::python

NB_MODULE(_flowfeat, m) {
  using namespace flowfeat;
  using namespace flowfeat::python;

  spdlog::set_default_logger(std::make_shared<spdlog::logger>("flowfeat", log_buffer()));
  spdlog::set_level(spdlog::level::warn);
  nb::register_exception_translator(translate);

  m.attr("__version__") = FLOWFEAT_VERSION;

  m.def(
      "_set_error_types",
      [](nb::object config, nb::object capture, nb::object pipeline) {
        error_types() = {std::move(config), std::move(capture), std::move(pipeline)};
      },
      "config"_a, "capture"_a, "pipeline"_a);

  m.def(
      "take_log",
      [] {
        nb::list out;
        for (LogBuffer::Entry& e : log_buffer()->take()) out.append(nb::make_tuple(e.level, e.message));
        return out;
      },
      "The log messages of the library since the last call, as (logging level, message) pairs.");

  m.def(
      "schema",
      [](std::string config_file, std::string keywords, std::vector<std::string> files,
         std::vector<std::string> interfaces, bool need_source) {
        Config config;
        {
          nb::gil_scoped_release release;
          config = request_config(make_request(std::move(config_file), std::move(keywords), std::move(files),
                                                std::move(interfaces)),
                                   need_source);
        }
        auto* schema = new ArrowSchema{};
        RecordBatchBuilder(record_layout(config)).export_schema(schema);
        return schema_capsule(schema);
      },
      "config_file"_a, "keywords"_a, "files"_a, "interfaces"_a, "need_source"_a,
      "Checks a configuration and its source as a run would; returns the records' schema as an arrow_schema "
      "PyCapsule.");

  m.def("threads_running", &NativeRun::threads_running, "Threads of runs started and not yet ended.");

  m.def("configuration_keys", &configuration_keys, "Every key of the configuration file, dotted (flows.idle_timeout).");

  nb::class_<Run>(m, "Run")
      .def(
          "__init__",
          [](Run* self, std::string config_file, std::string keywords, std::vector<std::string> files,
             std::vector<std::string> interfaces, std::size_t batch_rows, std::size_t queue_batches) {
            RunRequest request = make_request(std::move(config_file), std::move(keywords), std::move(files),
                                              std::move(interfaces));
            std::shared_ptr<NativeRun> native;
            {
              nb::gil_scoped_release release;
              native = std::make_shared<NativeRun>(request, batch_rows, queue_batches);
            }
            new (self) Run{std::move(native)};
          },
          "config_file"_a, "keywords"_a, "files"_a, "interfaces"_a, "batch_rows"_a, "queue_batches"_a)
      .def("schema",
           [](Run& run) {
             auto* schema = new ArrowSchema{};
             run.native->export_schema(schema);
             return schema_capsule(schema);
           })
      .def(
          "next",
          [](Run& run, double timeout) -> nb::object {
            auto batch = std::make_unique<ArrowArray>();
            NativeRun::Next next;
            {
              nb::gil_scoped_release release;
              next = run.native->next(batch.get(), std::chrono::milliseconds(static_cast<long>(timeout * 1000)));
            }
            if (next == NativeRun::Next::kBatch) return array_capsule(batch.release());
            return nb::bool_(next == NativeRun::Next::kWaiting);
          },
          "timeout"_a,
          "The next batch as an arrow_array PyCapsule; True when none came within timeout seconds; False at "
          "the end.")
      .def("stream",
           [](Run& run) {
             auto* stream = new ArrowArrayStream{};
             export_stream(std::make_shared<RunStream>(run.native), stream);
             return stream_capsule(stream);
           })
      .def("stop", [](Run& run) { run.native->stop(); })
      .def("close", [](Run& run) { run.native->close(); }, nb::call_guard<nb::gil_scoped_release>())
      .def_prop_ro("interrupted", [](Run& run) { return run.native->interrupted(); })
      .def_prop_ro("live", [](Run& run) { return run.native->live(); })
      .def_prop_ro("progress",
                   [](Run& run) {
                     const RunProgress p = run.native->progress();
                     nb::dict d;
                     d["bytes_read"] = p.bytes_read;
                     d["bytes_total"] = p.bytes_total;
                     d["packets"] = p.packets;
                     d["active_flows"] = p.active_flows;
                     d["records"] = p.records;
                     return d;
                   })
      .def_prop_ro("summary", [](Run& run) { return summary_dict(run.native->summary()); });
}
