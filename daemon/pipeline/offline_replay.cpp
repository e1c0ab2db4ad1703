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
  Config quiet = config;
  quiet.labels.file.clear();
  Pipeline pipeline(quiet, metrics,
                    PipelineOptions{.decoder = decoder_options,
                                    .write_files = false,
                                    .consumer = [&on_flow_end](const FeatureRecord& r) { on_flow_end(r.flow); },
                                    .progress = progress});
  return pipeline.run(source);
}

}  // namespace flowfeat
