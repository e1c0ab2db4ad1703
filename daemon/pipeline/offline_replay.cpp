#include "flowfeat/pipeline/offline_replay.hpp"

#include "flowfeat/metrics/metrics.hpp"

namespace flowfeat {

ReplaySummary replay(const Config& config, PacketSource& source, const FlowRecordHandler& on_flow_end,
                     const PipelineProgress& progress) {
  return replay(config, decoder_options(config.flows), source, on_flow_end, progress);
}

ReplaySummary replay(const Config& config, const DecoderOptions& decoder_options, PacketSource& source,
                     const FlowRecordHandler& on_flow_end, const PipelineProgress& progress) {
  Metrics metrics(MetricsOptions{.enabled = false});
  // Only the flow part is handed out: the stages after the window need not do their full work, and
  // one shard gives the same flows as several (each shard pays for its own nDPI start-up, which
  // dominates on small captures).
  Config quiet = config;
  quiet.labels.file.clear();
  quiet.standardize.mode = "off";
  quiet.pipeline.workers = 1;
  Pipeline pipeline(quiet, metrics,
                    PipelineOptions{.decoder = decoder_options,
                                    .write_files = false,
                                    .consumer = [&on_flow_end](const FeatureRecord& r) { on_flow_end(r.flow); },
                                    .progress = progress});
  return pipeline.run(source);
}

}  // namespace flowfeat
