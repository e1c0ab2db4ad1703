#pragma once

namespace flowfeat {

// Exit statuses of flowfeatd.
inline constexpr int kExitOk = 0;
inline constexpr int kExitInputUnreadable = 1;  // some input could not be read; the rest was processed
inline constexpr int kExitBadConfig = 2;        // bad command line or configuration; nothing written
inline constexpr int kExitFailure = 3;          // the run could not complete (e.g. output not writable,
                                                // a capture that failed or could not be opened,
                                                // Kafka brokers unreachable at the start of a replay)
inline constexpr int kExitAborted = 4;          // a second stop signal ended the run without draining
inline constexpr int kExitRecordsLost = 5;      // the run finished, but records were lost (not written to a
                                                // file or not delivered to Kafka): counted in the summary

// The whole program: parses the command line, loads the configuration and runs. Returns the exit status.
int run_flowfeatd(int argc, const char* const* argv);

}  // namespace flowfeat
