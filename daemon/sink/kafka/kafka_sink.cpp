#include "flowfeat/sink/kafka/kafka_sink.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <string>

#include "flowfeat/core/clock_now.hpp"
#include "message_key.hpp"
#include "producer_settings.hpp"
#include "producer_statistics.hpp"

namespace flowfeat {

using namespace kafka_detail;

namespace {

constexpr int kPollEveryMessages = 256;     // delivery reports are served at least this often
constexpr int kQueueFullPollMs = 10;        // a full queue: wait this long for deliveries, then try again
constexpr std::uint64_t kMissingTopicGraceMs = 3'000;  // auto-creation answers well within this
constexpr std::uint64_t kLiveConnectCheckMs = 1'000;   // a live capture does not wait for the brokers

bool is_purge(rd_kafka_resp_err_t err) noexcept {
  return err == RD_KAFKA_RESP_ERR__PURGE_QUEUE || err == RD_KAFKA_RESP_ERR__PURGE_INFLIGHT;
}

struct TopicDeleter {
  void operator()(rd_kafka_topic_t* topic) const noexcept { rd_kafka_topic_destroy(topic); }
};

}  // namespace

class KafkaSink::Producer {
 public:
  explicit Producer(KafkaSinkOptions options) : options_(std::move(options)) {
    Conf conf = producer_conf(options_);
    rd_kafka_conf_set_opaque(conf.get(), this);
    rd_kafka_conf_set_dr_msg_cb(conf.get(), &Producer::on_delivery);
    rd_kafka_conf_set_error_cb(conf.get(), &Producer::on_error);
    rd_kafka_conf_set_stats_cb(conf.get(), &Producer::on_statistics);
    rd_kafka_conf_set_log_cb(conf.get(), &Producer::on_log);
    handle_ = make_producer(std::move(conf));
    rd_kafka_set_log_queue(handle_.get(), nullptr);  // logs are served by rd_kafka_poll, on this thread
    topic_.reset(rd_kafka_topic_new(handle_.get(), options_.topic.c_str(), nullptr));
    if (!topic_) {
      throw KafkaSettingsError("output.kafka.topic: " + std::string(rd_kafka_err2str(rd_kafka_last_error())));
    }
    wait_for_brokers();
  }

  ~Producer() { close(); }

  void write(const FeatureRecord& record, std::string_view row) {
    if (!row.empty() && row.back() == '\n') row.remove_suffix(1);
    if (closed_) {
      ++stats_.dropped;
      return;
    }
    std::array<char, kMaxKeyChars> key_text;
    const std::string_view key = message_key(record.flow, options_.key, key_text.data());
    std::array<char, detail::kMaxUintChars> flow_id;
    const std::size_t flow_id_size =
        static_cast<std::size_t>(detail::put_uint(flow_id.data(), record.flow.flow_id) - flow_id.data());
    std::uint64_t full_since_ms = 0;
    for (;;) {
      const rd_kafka_resp_err_t err = rd_kafka_producev(
          handle_.get(), RD_KAFKA_V_RKT(topic_.get()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
          RD_KAFKA_V_VALUE(const_cast<char*>(row.data()), row.size()),
          RD_KAFKA_V_KEY(key.empty() ? nullptr : key.data(), key.size()),
          RD_KAFKA_V_HEADER("sensor", options_.sensor.data(), static_cast<ssize_t>(options_.sensor.size())),
          RD_KAFKA_V_HEADER("schema_version", options_.schema_version.data(),
                            static_cast<ssize_t>(options_.schema_version.size())),
          RD_KAFKA_V_HEADER("schema_fingerprint", options_.schema_fingerprint.data(),
                            static_cast<ssize_t>(options_.schema_fingerprint.size())),
          RD_KAFKA_V_HEADER("run", options_.run.data(), static_cast<ssize_t>(options_.run.size())),
          RD_KAFKA_V_HEADER("flow_id", flow_id.data(), static_cast<ssize_t>(flow_id_size)), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        ++stats_.produced;
        stats_.message_bytes += row.size() + key.size();
        if (++since_poll_ >= kPollEveryMessages) serve(0);
        return;
      }
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        drop(std::string("the producer refused it: ") + rd_kafka_err2str(err));
        return;
      }
      const std::uint64_t now = steady_clock_ms();
      if (full_since_ms == 0) full_since_ms = now;
      if (!may_wait_for_room(full_since_ms, now)) {
        drop("the producer's queue stayed full (output.kafka.queue_messages, output.kafka.max_wait)");
        return;
      }
      serve(kQueueFullPollMs);
    }
  }

  void tick() { serve(0); }

  void close() {
    if (closed_) return;
    closed_ = true;
    const std::uint64_t flush_ms = options_.flush_timeout_ms;
    if (rd_kafka_flush(handle_.get(), static_cast<int>(std::min<std::uint64_t>(flush_ms, 1u << 30))) ==
        RD_KAFKA_RESP_ERR__TIMED_OUT) {
      const int left = rd_kafka_outq_len(handle_.get());
      rd_kafka_purge(handle_.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
      for (int i = 0; i < 50 && rd_kafka_outq_len(handle_.get()) > 0; ++i) serve(20);  // the purge's reports
      spdlog::error("Kafka: {} record(s) not delivered to {} within output.kafka.flush_timeout ({} s): lost", left,
                    options_.brokers, static_cast<double>(flush_ms) / 1000.0);
    }
    serve(0);
    stats_.queued = static_cast<std::uint64_t>(std::max(0, rd_kafka_outq_len(handle_.get())));
  }

  const KafkaStats& stats() const noexcept { return stats_; }

 private:
  // Delivery reports, errors, statistics and the log, on this thread.
  void serve(int timeout_ms) {
    since_poll_ = 0;
    rd_kafka_poll(handle_.get(), timeout_ms);
    stats_.queued = static_cast<std::uint64_t>(std::max(0, rd_kafka_outq_len(handle_.get())));
  }

  bool may_wait_for_room(std::uint64_t full_since_ms, std::uint64_t now_ms) {
    if (options_.stopping != nullptr && options_.stopping->load(std::memory_order_relaxed)) {
      if (stop_seen_ms_ == 0) stop_seen_ms_ = now_ms;
      return now_ms - stop_seen_ms_ < options_.flush_timeout_ms;
    }
    return options_.never_drop || now_ms - full_since_ms < options_.max_wait_ms;
  }

  void drop(const std::string& why) {
    if (stats_.dropped++ == 0) spdlog::error("Kafka: a record was dropped, {}; later ones are counted", why);
  }

  // Asks the brokers for the topic until they answer with its partitions. A replay waits up to
  // connect_timeout; a live capture checks briefly and goes on, its records queued meanwhile.
  void wait_for_brokers() {
    const std::uint64_t started = steady_clock_ms();
    const std::uint64_t limit =
        options_.never_drop ? options_.connect_timeout_ms : std::min(options_.connect_timeout_ms, kLiveConnectCheckMs);
    std::uint64_t topic_missing_since = 0;
    bool said_waiting = false;
    std::string problem;
    for (;;) {
      const std::uint64_t elapsed = steady_clock_ms() - started;
      const rd_kafka_metadata_t* metadata = nullptr;
      const int timeout = static_cast<int>(std::clamp<std::uint64_t>(limit - std::min(limit, elapsed), 100, 1000));
      const rd_kafka_resp_err_t err = rd_kafka_metadata(handle_.get(), 0, topic_.get(), &metadata, timeout);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        const rd_kafka_resp_err_t topic_err =
            metadata->topic_cnt > 0 ? metadata->topics[0].err : RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
        const int partitions = metadata->topic_cnt > 0 ? metadata->topics[0].partition_cnt : 0;
        rd_kafka_metadata_destroy(metadata);
        if (topic_err == RD_KAFKA_RESP_ERR_NO_ERROR && partitions > 0) {
          spdlog::info("Kafka: brokers {} answer; topic {} has {} partition(s)", options_.brokers, options_.topic,
                       partitions);
          return;
        }
        const std::uint64_t now = steady_clock_ms();
        if (topic_err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
          if (topic_missing_since == 0) topic_missing_since = now;
          if (now - topic_missing_since >= kMissingTopicGraceMs) {
            throw KafkaUnavailableError("output.kafka.topic: the topic " + options_.topic + " does not exist on " +
                                        options_.brokers + ", and the cluster does not create topics on demand");
          }
        }
        problem = "the topic " + options_.topic + ": " + rd_kafka_err2str(topic_err);
      } else {
        problem = std::string("no answer: ") + rd_kafka_err2str(err);
      }
      if (steady_clock_ms() - started >= limit) break;
      if (!said_waiting && options_.never_drop && err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        spdlog::warn("Kafka: brokers {} do not answer ({}); waiting up to {} s (output.kafka.connect_timeout)",
                     options_.brokers, problem, static_cast<double>(limit) / 1000.0);
        said_waiting = true;
      }
      serve(100);
    }
    if (options_.never_drop) {
      throw KafkaUnavailableError(fmt::format("output.kafka.brokers: no usable answer from {} within {} s ({})",
                                              options_.brokers, static_cast<double>(limit) / 1000.0, problem));
    }
    spdlog::warn("Kafka: brokers {} do not answer yet ({}); records wait in the producer's queue", options_.brokers,
                 problem);
  }

  static Producer& of(void* opaque) { return *static_cast<Producer*>(opaque); }

  static void on_delivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
    Producer& self = of(opaque);
    if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      ++self.stats_.delivered;
    } else if (is_purge(message->err)) {
      ++self.stats_.undelivered;
    } else if (self.stats_.failed++ == 0) {
      spdlog::error("Kafka: a record could not be delivered: {}; later failures are counted",
                    rd_kafka_err2str(message->err));
    }
  }

  static void on_error(rd_kafka_t*, int error, const char* reason, void* opaque) {
    Producer& self = of(opaque);
    const auto err = static_cast<rd_kafka_resp_err_t>(error);
    if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN || err == RD_KAFKA_RESP_ERR__TRANSPORT) {
      if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN && !self.outage_) {
        self.outage_ = true;
        spdlog::warn("Kafka: every broker of {} is down; records wait in the producer's queue ({} queued)",
                     self.options_.brokers, rd_kafka_outq_len(self.handle_.get()));
      }
      return;
    }
    spdlog::error("Kafka: {}", reason);
  }

  static int on_statistics(rd_kafka_t*, char* json, std::size_t size, void* opaque) {
    Producer& self = of(opaque);
    if (const auto parsed = parse_producer_statistics(std::string_view(json, size))) {
      self.stats_.sent_bytes = parsed->sent_bytes;
      self.stats_.retries = std::max(self.stats_.retries, parsed->retries);
      self.stats_.disconnects = std::max(self.stats_.disconnects, parsed->disconnects);
      self.stats_.brokers_up = parsed->brokers_up;
      self.stats_.rtt_seconds = parsed->rtt_seconds;
      if (self.outage_ && parsed->brokers_up > 0) {
        self.outage_ = false;
        spdlog::info("Kafka: connected again ({} broker(s) up)", parsed->brokers_up);
      }
    }
    return 0;  // librdkafka frees the text
  }

  // Errors and configuration warnings are said; connection failures are said once per outage by
  // on_error, and the transient warnings of a broker starting (coordinator loading, retrying) stay
  // at debug level.
  static void on_log(const rd_kafka_t*, int level, const char* facility, const char* message) {
    const std::string_view what(facility);
    if ((level <= 3 && what != "FAIL") || what == "CONFWARN") {
      spdlog::warn("Kafka: {}", message);
    } else {
      spdlog::debug("Kafka {}: {}", facility, message);
    }
  }

  KafkaSinkOptions options_;
  Handle handle_;
  std::unique_ptr<rd_kafka_topic_t, TopicDeleter> topic_;
  KafkaStats stats_;
  int since_poll_ = 0;
  std::uint64_t stop_seen_ms_ = 0;
  bool outage_ = false;
  bool closed_ = false;
};

KafkaSink::KafkaSink(KafkaSinkOptions options) : producer_(std::make_unique<Producer>(std::move(options))) {}
KafkaSink::~KafkaSink() = default;
void KafkaSink::write(const FeatureRecord& record, std::string_view row) { producer_->write(record, row); }
void KafkaSink::tick() { producer_->tick(); }
void KafkaSink::close() { producer_->close(); }
const KafkaStats& KafkaSink::stats() const noexcept { return producer_->stats(); }

void check_kafka_settings(const KafkaSinkOptions& options) {
  // Creating the handle connects to nothing until a request is made; destroying it at once is cheap.
  make_producer(producer_conf(options));
}

}  // namespace flowfeat
