// The ground-truth presets of the public data sets and matching by time, on fixtures written here
// from the data sets' published layouts (no row of a data set is copied).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "enrich_test_support.hpp"
#include "flowfeat/enrich/ground_truth.hpp"

namespace flowfeat {
namespace {

namespace fs = std::filesystem;

class GroundTruthFormatsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "flowfeat-truth-formats-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  GroundTruth load(const std::string& content, GroundTruthOptions options) {
    const fs::path path = dir_ / "truth.csv";
    std::ofstream(path, std::ios::binary) << content;
    return GroundTruth::load(path, options);
  }

  std::string error_of(const std::string& content, GroundTruthOptions options) {
    try {
      load(content, options);
    } catch (const GroundTruthError& e) {
      return e.what();
    }
    ADD_FAILURE() << "no error";
    return {};
  }

  fs::path dir_;
};

// A flow of the tuple, from first to last (ms since the epoch).
FlowRecord timed(const std::string& src, std::uint16_t sport, const std::string& dst, std::uint16_t dport,
                 std::uint8_t protocol, std::uint64_t first_ms, std::uint64_t last_ms) {
  FlowRecord f = testing::flow(src, sport, dst, dport, protocol);
  f.bidirectional_first_seen_ms = first_ms;
  f.bidirectional_last_seen_ms = last_ms;
  return f;
}

GroundTruthOptions preset(GroundTruthFormat format) {
  GroundTruthOptions options;
  options.format = format;
  return options;
}

// A UNSW-NB15 CSV row: the 49 features, with srcip, sport, dstip, dsport, proto, stime (29),
// ltime (30), attack_cat (48) and Label (49) set and the others filled as the data set fills them.
std::string unsw_row(const std::string& src, const std::string& sport, const std::string& dst, const std::string& dport,
                     const std::string& proto, long stime, long ltime, const std::string& category, int label) {
  std::string row = src + "," + sport + "," + dst + "," + dport + "," + proto + ",CON,0.001,132,164,31,29,0,0,dns";
  for (int column = 15; column <= 28; ++column) row += ",0";
  row += "," + std::to_string(stime) + "," + std::to_string(ltime);
  for (int column = 31; column <= 37; ++column) row += ",0";
  row += ",,0,,3,7";  // ct_flw_http_mthd and ct_ftp_cmd are often empty
  for (int column = 43; column <= 47; ++column) row += ",1";
  return row + "," + category + "," + std::to_string(label) + "\r\n";
}

TEST_F(GroundTruthFormatsTest, UnswNb15CsvWithoutHeaderHexPortsAndDashes) {
  const long t0 = 1421927414;  // 2015-01-22, within the data set's capture days
  const std::string content = unsw_row("59.166.0.0", "1390", "149.171.126.6", "53", "udp", t0, t0 + 1, "", 0) +
                              unsw_row("175.45.176.3", "0x000b", "149.171.126.16", "-", "icmp", t0, t0 + 2,
                                       " Reconnaissance ", 1) +
                              unsw_row("175.45.176.1", "39500", "149.171.126.10", "80", "tcp", t0 + 60, t0 + 90,
                                       "Exploits", 1) +
                              unsw_row("175.45.176.1", "0", "149.171.126.10", "0", "unas", t0, t0, "Generic", 1);
  const GroundTruth truth = load(content, preset(GroundTruthFormat::kUnswNb15));
  EXPECT_EQ(truth.report().loaded, 3u);
  EXPECT_EQ(truth.report().unknown_protocol, 1u);
  EXPECT_EQ(truth.report().malformed, 0u);
  ASSERT_TRUE(truth.has_times());
  const std::uint64_t ms = static_cast<std::uint64_t>(t0) * 1000;
  EXPECT_EQ(truth.verdict(timed("59.166.0.0", 1390, "149.171.126.6", 53, 17, ms, ms + 300)).label, 0);
  const LabelVerdict scan = truth.verdict(timed("175.45.176.3", 11, "149.171.126.16", 0, 1, ms + 500, ms + 2500));
  EXPECT_EQ(scan.label, 1);
  EXPECT_EQ(scan.attack_cat(), "Reconnaissance");  // spaces around it trimmed
  EXPECT_EQ(scan.matched_rows, 1);
  // Ltime is the last second: a flow ending within it matches; an hour later, nothing does.
  EXPECT_EQ(truth.verdict(timed("149.171.126.10", 80, "175.45.176.1", 39500, 6, ms + 75'000, ms + 90'900)).label, 1);
  const LabelVerdict later = truth.verdict(timed("175.45.176.1", 39500, "149.171.126.10", 80, 6, ms + 3'600'000, ms + 3'601'000));
  EXPECT_EQ(later.label, 0);
  EXPECT_EQ(later.matched_rows, 0);
}

TEST_F(GroundTruthFormatsTest, UnswNb15GroundTruthTable) {
  const std::string content =
      "Start time,Last time,Attack category,Attack subcategory,Protocol,Source IP,Source Port,Destination IP,"
      "Destination Port,Attack Name,Attack Reference,.\n"
      "1421927416,1421927416,Reconnaissance,HTTP,tcp,175.45.176.0,13284,149.171.126.16,80,"
      "Domino Web Server Database Access: /doladmin.nsf (https://strikecenter.example/bp/sp/1),-,\n"
      "1421927420,1421927430,Exploits,Unix 'r' Service,udp,175.45.176.2,23357,149.171.126.16,514,"
      "\"Shell, rsh\",CVE-1999-0651,\n";
  const GroundTruth truth = load(content, preset(GroundTruthFormat::kUnswNb15));
  EXPECT_EQ(truth.report().loaded, 2u);
  EXPECT_EQ(truth.report().notes.front().rfind("UNSW-NB15 ground-truth table", 0), 0u) << truth.report().notes.front();
  const LabelVerdict a = truth.verdict(timed("175.45.176.0", 13284, "149.171.126.16", 80, 6, 1421927416100, 1421927416900));
  EXPECT_EQ(a.label, 1);
  EXPECT_EQ(a.attack_cat(), "Reconnaissance");
  EXPECT_EQ(truth.verdict(timed("175.45.176.2", 23357, "149.171.126.16", 514, 17, 1421927425000, 1421927426000))
                .attack_cat(),
            "Exploits");
  // Every row of the table is an attack; a flow of the tuple a day later is not.
  EXPECT_EQ(truth.verdict(timed("175.45.176.0", 13284, "149.171.126.16", 80, 6, 1422013816000, 1422013817000)).label, 0);
}

TEST_F(GroundTruthFormatsTest, UnswNb15WithTheWrongColumnCountSaysSo) {
  const std::string message = error_of("59.166.0.0,1390,149.171.126.6,53,udp,0\n", preset(GroundTruthFormat::kUnswNb15));
  EXPECT_NE(message.find("is not a UNSW-NB15 CSV"), std::string::npos) << message;
  EXPECT_NE(message.find("has 6 fields, not 49"), std::string::npos) << message;
}

// CIC-IDS2017's TrafficLabelling CSVs: a byte order mark, names with leading spaces, Timestamp day
// first, to the second or the minute, on a 12-hour clock without AM/PM, in UTC-3, and
// Windows-1252 labels. The data set was captured from Monday 3 to Friday 7 July 2017, from about
// 8:55 to 17:05 in the lab; the rows below are dated and timed as its attacks were published.
constexpr const char* kCic2017Header =
    "\xEF\xBB\xBF" "Flow ID, Source IP, Source Port, Destination IP, Destination Port, Protocol, Timestamp, Flow "
    "Duration, Total Fwd Packets, Total Backward Packets, Label\r\n";

std::string cic2017_row(const std::string& src, int sport, const std::string& dst, int dport, int protocol,
                        const std::string& timestamp, long duration_us, const std::string& label) {
  const std::string tuple = src + "," + std::to_string(sport) + "," + dst + "," + std::to_string(dport) + "," +
                            std::to_string(protocol);
  return src + "-" + dst + "-" + std::to_string(sport) + "-" + std::to_string(dport) + "-" + std::to_string(protocol) +
         "," + tuple + "," + timestamp + "," + std::to_string(duration_us) + ",2,2," + label + "\r\n";
}

TEST_F(GroundTruthFormatsTest, CicIds2017DatesAreDayFirstInTheLabsTimeAndAfternoonsHaveNoPm) {
  const std::string content =
      std::string(kCic2017Header) +
      cic2017_row("192.168.10.50", 54865, "192.168.10.3", 53, 17, "03/07/2017 09:08:11", 166, "BENIGN") +
      cic2017_row("192.168.10.5", 49188, "192.168.10.3", 53, 17, "4/7/2017 1:05", 30'000'000, "BENIGN") +
      cic2017_row("192.168.10.19", 50000, "192.168.10.3", 53, 17, "5/7/2017 5:04:59", 1000, "BENIGN") +
      cic2017_row("172.16.0.1", 44464, "192.168.10.50", 80, 6, "6/7/2017 9:20", 2000, "Web Attack \x96 Brute Force") +
      cic2017_row("172.16.0.1", 53058, "192.168.10.50", 80, 6, "7/7/2017 3:57", 5'000'000, "DDoS");
  const GroundTruth truth = load(content, preset(GroundTruthFormat::kCicIds));
  ASSERT_EQ(truth.report().loaded, 5u);
  EXPECT_TRUE(truth.report().warnings.empty()) << truth.report().warnings.front();
  EXPECT_NE(truth.report().notes.front().find("CIC-IDS2017"), std::string::npos);
  EXPECT_NE(truth.report().notes.front().find("UTC-03:00"), std::string::npos) << truth.report().notes.front();
  // Monday 3 July, 09:08:11 in the lab: 12:08:11 UTC, to the second (not 7 March).
  const std::uint64_t monday = 1499083691000;  // 2017-07-03T12:08:11Z
  const LabelVerdict m = truth.verdict(timed("192.168.10.50", 54865, "192.168.10.3", 53, 17, monday, monday + 100));
  EXPECT_EQ(m.matched_rows, 1);
  EXPECT_EQ(m.label, 0);
  const std::uint64_t march = 1488888491000;  // 2017-03-07T12:08:11Z, the month-first reading
  EXPECT_EQ(truth.verdict(timed("192.168.10.50", 54865, "192.168.10.3", 53, 17, march, march + 100)).matched_rows, 0);
  // Tuesday 4 July, "1:05" is 13:05 in the lab, 16:05 UTC; the row stands for the minute and its 30 s.
  const std::uint64_t tuesday = 1499184300000;  // 2017-07-04T16:05:00Z
  EXPECT_EQ(truth.verdict(timed("192.168.10.5", 49188, "192.168.10.3", 53, 17, tuesday + 80'000, tuesday + 81'000))
                .matched_rows,
            1);
  EXPECT_EQ(truth.verdict(timed("192.168.10.5", 49188, "192.168.10.3", 53, 17, tuesday - 12 * 3'600'000,
                                tuesday - 12 * 3'600'000 + 1000))
                .matched_rows,
            0)
      << "not 1:05 in the morning";
  // Wednesday 5 July, the end of the working day: 17:04:59 in the lab.
  const std::uint64_t wednesday = 1499285099000;  // 2017-07-05T20:04:59Z
  EXPECT_EQ(truth.verdict(timed("192.168.10.19", 50000, "192.168.10.3", 53, 17, wednesday, wednesday + 1)).matched_rows, 1);
  // Thursday 6 July, the morning's web attacks.
  const std::uint64_t web = 1499343600000;  // 2017-07-06T12:20:00Z
  EXPECT_EQ(truth.verdict(timed("172.16.0.1", 44464, "192.168.10.50", 80, 6, web, web + 1)).attack_cat(),
            "Web Attack \xE2\x80\x93 Brute Force");  // the en dash, as UTF-8
  // Friday 7 July, 3:57 is 15:57 in the lab, 18:57 UTC: the afternoon's DDoS.
  const std::uint64_t ddos = 1499453820000;  // 2017-07-07T18:57:00Z
  EXPECT_EQ(truth.verdict(timed("192.168.10.50", 80, "172.16.0.1", 53058, 6, ddos + 30'000, ddos + 64'000)).attack_cat(),
            "DDoS");
  // The rows span Monday 09:08:11 to Friday 15:57 plus the minute and the flow's 5 s.
  ASSERT_TRUE(truth.time_span());
  EXPECT_EQ(truth.time_span()->first_ms, static_cast<std::int64_t>(monday));
  EXPECT_EQ(truth.time_span()->last_ms, static_cast<std::int64_t>(ddos + 59'999 + 5'000));
}

TEST_F(GroundTruthFormatsTest, CicIds2017RowsDatedOutsideTheCaptureWeekAreAWarningNamingTheFirst) {
  // Dates written month first, as a tool with US dates would write Tuesday 4 July.
  const std::string content =
      std::string(kCic2017Header) +
      cic2017_row("192.168.10.5", 49188, "192.168.10.3", 53, 17, "4/7/2017 1:05", 1000, "BENIGN") +
      cic2017_row("192.168.10.5", 49189, "192.168.10.3", 53, 17, "7/4/2017 1:06", 1000, "BENIGN") +
      cic2017_row("172.16.0.1", 22, "192.168.10.50", 22, 6, "7/4/2017 2:09:33", 1000, "SSH-Patator") +
      cic2017_row("172.16.0.1", 23, "192.168.10.50", 22, 6, "13/7/2017 2:10", 1000, "SSH-Patator");
  const GroundTruth truth = load(content, preset(GroundTruthFormat::kCicIds));
  EXPECT_EQ(truth.report().loaded, 4u) << "the rows are kept: only their dates are suspect";
  ASSERT_EQ(truth.report().warnings.size(), 1u);
  const std::string& warning = truth.report().warnings.front();
  EXPECT_NE(warning.find("3 of 4 rows are dated outside the days CIC-IDS2017 was captured on (Monday 3 to Friday 7 "
                         "July 2017)"),
            std::string::npos)
      << warning;
  EXPECT_NE(warning.find((dir_ / "truth.csv").string() + ":3 ('7/4/2017 1:06', read as 2017-04-07)"), std::string::npos)
      << warning;
  EXPECT_NE(warning.find("day first"), std::string::npos) << warning;
}

TEST_F(GroundTruthFormatsTest, CicIds2018DayFirstAndATimeZoneSetting) {
  const std::string content =
      "Flow ID,Src IP,Src Port,Dst IP,Dst Port,Protocol,Timestamp,Flow Duration,Tot Fwd Pkts,Label\n"
      "172.31.69.25-18.219.211.138-80-51682-6,18.219.211.138,51682,172.31.69.25,80,6,02/03/2018 08:47:38,"
      "1000000,5,DoS attacks-Hulk\n";
  GroundTruthOptions options = preset(GroundTruthFormat::kCicIds);
  const GroundTruth utc = load(content, options);
  const std::uint64_t t = 1519980458000;  // 2018-03-02T08:47:38Z: day first
  EXPECT_EQ(utc.verdict(timed("18.219.211.138", 51682, "172.31.69.25", 80, 6, t + 200, t + 900)).attack_cat(),
            "DoS attacks-Hulk");
  options.time_zone = "UTC-4";
  const GroundTruth shifted = load(content, options);
  EXPECT_EQ(shifted.verdict(timed("18.219.211.138", 51682, "172.31.69.25", 80, 6, t + 200, t + 900)).label, 0);
  EXPECT_EQ(shifted.verdict(timed("18.219.211.138", 51682, "172.31.69.25", 80, 6, t + 4 * 3'600'000, t + 4 * 3'600'000 + 1))
                .label,
            1);
  options.time_zone = "America/Nowhere";
  EXPECT_NE(error_of(content, options).find("unknown time zone 'America/Nowhere'"), std::string::npos);
  // Friday 2 March is the last of the data set's ten days; read month first, it would be 3 February.
  EXPECT_TRUE(utc.report().warnings.empty()) << utc.report().warnings.front();
  const GroundTruth swapped = load(
      "Flow ID,Src IP,Src Port,Dst IP,Dst Port,Protocol,Timestamp,Flow Duration,Tot Fwd Pkts,Label\n"
      "x,18.219.211.138,51682,172.31.69.25,80,6,03/02/2018 08:47:38,1000000,5,DoS attacks-Hulk\n",
      preset(GroundTruthFormat::kCicIds));
  ASSERT_EQ(swapped.report().warnings.size(), 1u);
  EXPECT_NE(swapped.report().warnings.front().find(
                "1 of 1 rows are dated outside the days CSE-CIC-IDS2018 was captured on (Wednesday 14 February to "
                "Friday 2 March 2018), the first at " +
                (dir_ / "truth.csv").string() + ":2 ('03/02/2018 08:47:38', read as 2018-02-03)"),
            std::string::npos)
      << swapped.report().warnings.front();
}

TEST_F(GroundTruthFormatsTest, CicIds2018WithoutAddressesSaysWhatCannotBeMatched) {
  const std::string message = error_of("Dst Port,Protocol,Timestamp,Flow Duration,Label\n"
                                       "443,6,02/03/2018 08:47:38,141385,Benign\n",
                                       preset(GroundTruthFormat::kCicIds));
  EXPECT_NE(message.find("without the source and destination addresses"), std::string::npos) << message;
  EXPECT_NE(message.find("match no flow"), std::string::npos) << message;
}

TEST_F(GroundTruthFormatsTest, TheSameTupleAttackedInOneHourAndBenignInAnother) {
  GroundTruthOptions options;
  options.columns.start_time = "start";
  options.columns.end_time = "end";
  options.time_tolerance_ms = 2'000;
  const GroundTruth truth = load(
      "srcip,sport,dstip,dsport,proto,start,end,attack_cat,Label\n"
      "10.0.0.1,5000,10.0.0.2,80,tcp,1700000000,1700000060,,0\n"
      "10.0.0.1,5000,10.0.0.2,80,tcp,1700003600,1700003660,DoS,1\n"
      "10.0.0.1,5000,10.0.0.2,80,tcp,1700003650,1700003700,Fuzzers,1\n",
      options);
  const auto at = [&](std::uint64_t first_s, std::uint64_t last_s) {
    return truth.verdict(timed("10.0.0.1", 5000, "10.0.0.2", 80, 6, first_s * 1000, last_s * 1000));
  };
  EXPECT_EQ(at(1700000010, 1700000020).label, 0);
  EXPECT_EQ(at(1700000010, 1700000020).matched_rows, 1);
  EXPECT_EQ(at(1700003610, 1700003620).attack_cat(), "DoS");
  const LabelVerdict both = at(1700003655, 1700003656);
  EXPECT_EQ(both.attack_cat(), "DoS") << "the earliest attack row";
  EXPECT_EQ(both.matched_rows, 2);
  EXPECT_EQ(at(1700001800, 1700001801).matched_rows, 0) << "between the rows: unmatched";
  EXPECT_TRUE(truth.has_tuple(timed("10.0.0.2", 80, "10.0.0.1", 5000, 6, 1700001800000, 1700001801000)))
      << "its 5-tuple has rows, at other times";
  EXPECT_FALSE(truth.has_tuple(timed("10.0.0.1", 5001, "10.0.0.2", 80, 6, 1700000010000, 1700000020000)));
  ASSERT_TRUE(truth.time_span());
  EXPECT_EQ(truth.time_span()->first_ms, 1700000000000);
  EXPECT_EQ(truth.time_span()->last_ms, 1700003700999) << "the last second's end";
  EXPECT_EQ(truth.time_tolerance_ms(), 2'000u);
  EXPECT_EQ(at(1700003702, 1700003703).label, 1) << "within the tolerance after the end";
  EXPECT_EQ(at(1700003704, 1700003705).label, 0) << "beyond it";
}

// Found by the ground-truth fuzzer: a number of seconds whose milliseconds overflow an int64
// was converted regardless (undefined behaviour); it is a bad time, and its row is skipped.
TEST_F(GroundTruthFormatsTest, UnixTimesBeyondTheRangeOfMillisecondsAreBadTimes) {
  for (const std::string format : {"unix", "unix_ms"}) {
    GroundTruthOptions options;
    options.columns.start_time = "start";
    options.time_format = format;
    const GroundTruth truth = load(
        "srcip,sport,dstip,dsport,proto,start,Label\n"
        "10.0.0.1,5000,10.0.0.2,80,tcp,1700000000,1\n"
        "10.0.0.1,5001,10.0.0.2,80,tcp,1700000001,1\n"
        "10.0.0.1,5002,10.0.0.2,80,tcp,1700000002,1\n"
        "10.0.0.1,5003,10.0.0.2,80,tcp,1700000003,1\n"
        "10.0.0.3,5000,10.0.0.4,80,tcp,5.55556e+48,1\n"
        "10.0.0.5,5000,10.0.0.6,80,tcp,-9.3e18,1\n"
        "10.0.0.7,5000,10.0.0.8,80,tcp,1e300,1\n",
        options);
    EXPECT_EQ(truth.report().loaded, 4u) << format;
    EXPECT_EQ(truth.report().malformed, 3u) << format;
  }
}

TEST_F(GroundTruthFormatsTest, HeaderlessCustomFileByColumnNumbers) {
  GroundTruthOptions options;
  options.header = false;
  options.columns = {.src_ip = "2", .src_port = "3", .dst_ip = "4", .dst_port = "5", .protocol = "1",
                     .label = "6", .attack_cat = "", .start_time = "7", .end_time = ""};
  options.time_format = "%Y-%m-%d %H:%M:%S";
  options.time_zone = "UTC+01:00";
  // 23:13:20 in UTC+1 is 22:13:20 UTC, 1700000000.
  const GroundTruth truth = load("6,10.1.0.1,1234,10.1.0.2,22,ssh-bruteforce,2023-11-14 23:13:20\n", options);
  EXPECT_EQ(truth.report().loaded, 1u);
  const LabelVerdict v = truth.verdict(timed("10.1.0.1", 1234, "10.1.0.2", 22, 6, 1700000000000, 1700000000500));
  EXPECT_EQ(v.label, 1);
  EXPECT_EQ(v.attack_cat(), "ssh-bruteforce");
  options.columns.src_port = "9";
  try {
    load("6,10.1.0.1,1234,10.1.0.2,22,x,2023-11-14 23:13:20\n", options);
    ADD_FAILURE() << "no error";
  } catch (const GroundTruthError& e) {
    EXPECT_NE(std::string(e.what()).find("labels.columns.src_port must be a column number 1..7, not '9'"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace flowfeat
