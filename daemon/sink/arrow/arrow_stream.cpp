#include "flowfeat/sink/arrow/arrow_stream.hpp"

#include <cerrno>
#include <exception>
#include <string>
#include <utility>

namespace flowfeat {
namespace {

struct StreamState {
  std::shared_ptr<RecordBatchSource> source;
  std::string last_error;
};

StreamState& state_of(ArrowArrayStream* stream) { return *static_cast<StreamState*>(stream->private_data); }

// Runs one call of the consumer's; an exception becomes an error code and the message
// get_last_error() returns, as the C stream interface asks (no exception crosses it).
template <class Call>
int guarded(ArrowArrayStream* stream, Call call) {
  StreamState& state = state_of(stream);
  try {
    call(*state.source);
    return 0;
  } catch (const std::exception& e) {
    state.last_error = e.what();
  } catch (...) {
    state.last_error = "unknown error";
  }
  return EIO;
}

int get_schema(ArrowArrayStream* stream, ArrowSchema* out) {
  return guarded(stream, [out](RecordBatchSource& source) { source.schema(out); });
}

int get_next(ArrowArrayStream* stream, ArrowArray* out) {
  return guarded(stream, [out](RecordBatchSource& source) {
    out->release = nullptr;
    source.next(out);
  });
}

const char* get_last_error(ArrowArrayStream* stream) {
  const std::string& error = state_of(stream).last_error;
  return error.empty() ? nullptr : error.c_str();
}

void release(ArrowArrayStream* stream) {
  delete static_cast<StreamState*>(stream->private_data);
  stream->release = nullptr;
}

}  // namespace

void export_stream(std::shared_ptr<RecordBatchSource> source, ArrowArrayStream* out) {
  *out = ArrowArrayStream{
      .get_schema = get_schema,
      .get_next = get_next,
      .get_last_error = get_last_error,
      .release = release,
      .private_data = new StreamState{std::move(source), {}},
  };
}

}  // namespace flowfeat
