#include "flowfeat/enrich/ground_truth.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "enrich_test_support.hpp"

namespace flowfeat {
namespace {

namespace fs = std::filesystem;
using testing::flow;

class GroundTruthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "flowfeat-ground-truth-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& content, const std::string& name = "truth.csv") {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  GroundTruth load(const std::string& content, const GroundTruthColumns& columns = {}) {
    return GroundTruth::load(write(content), columns);
  }

  std::string problem(int line, const std::string& reason) const {
    return (dir_ / "truth.csv").string() + ":" + std::to_string(line) + ": " + reason;
  }

  fs::path dir_;
};

// The message of the GroundTruthError that loading `path` throws; empty (and a failure) if none.
std::string load_error(const fs::path& path, const GroundTruthColumns& columns = {}) {
  try {
    GroundTruth::load(path, columns);
  } catch (const GroundTruthError& e) {
    return e.what();
  }
  ADD_FAILURE() << "loading " << path << " did not throw";
  return {};
}

constexpr const char* kHeader = "srcip,sport,dstip,dsport,proto,attack_cat,Label\n";

// n well-formed attack rows of tuples no test looks up.
std::string good_rows(int n) {
  std::string rows;
  for (int i = 0; i < n; ++i) rows += "10.9.0." + std::to_string(i) + ",1,10.9.1.1,2,tcp,,1\n";
  return rows;
}

TEST_F(GroundTruthTest, MatchesTheTupleInEitherDirectionOnly) {
  const GroundTruth truth = load(std::string(kHeader) + "175.45.176.0,13284,149.171.126.16,80,tcp,Exploits,1\n");

  const LabelVerdict forward = truth.verdict(flow("175.45.176.0", 13284, "149.171.126.16", 80, 6));
  EXPECT_EQ(forward.label, 1);
  EXPECT_EQ(forward.attack_cat(), "Exploits");
  const LabelVerdict reverse = truth.verdict(flow("149.171.126.16", 80, "175.45.176.0", 13284, 6));
  EXPECT_EQ(reverse.label, 1);
  EXPECT_EQ(reverse.attack_cat(), "Exploits");

  // Every field of the tuple counts, and a reversed tuple swaps whole endpoints, not parts.
  EXPECT_EQ(truth.verdict(flow("175.45.176.0", 13284, "149.171.126.16", 80, 17)).label, 0);
  EXPECT_EQ(truth.verdict(flow("175.45.176.0", 13285, "149.171.126.16", 80, 6)).label, 0);
  EXPECT_EQ(truth.verdict(flow("175.45.176.0", 13284, "149.171.126.16", 81, 6)).label, 0);
  EXPECT_EQ(truth.verdict(flow("175.45.176.1", 13284, "149.171.126.16", 80, 6)).label, 0);
  EXPECT_EQ(truth.verdict(flow("175.45.176.0", 80, "149.171.126.16", 13284, 6)).label, 0);
  const LabelVerdict none = truth.verdict(flow("10.0.0.1", 1, "10.0.0.2", 2, 6));
  EXPECT_EQ(none.label, 0);
  EXPECT_EQ(none.attack_cat(), "");

  EXPECT_TRUE(truth.has_label_column());
  EXPECT_TRUE(truth.has_attack_cat());
  EXPECT_EQ(truth.size(), 1u);
  EXPECT_EQ(truth.report().rows, 1u);
  EXPECT_EQ(truth.report().loaded, 1u);
  EXPECT_EQ(truth.report().malformed, 0u);
  EXPECT_TRUE(truth.report().problems.empty());
}

TEST_F(GroundTruthTest, MatchesIpv6Tuples) {
  const GroundTruth truth =
      load(std::string(kHeader) + "2001:DB8::1,443,2001:db8::2,51000,6,Backdoor,1\n" +
           "fe80::1,0,ff02::1,0,ipv6-icmp,Reconnaissance,1\n" + "10.0.0.1,5,10.0.0.2,6,tcp,Exploits,1\n");
  EXPECT_EQ(truth.verdict(flow("2001:db8::1", 443, "2001:db8::2", 51000, 6)).label, 1);
  EXPECT_EQ(truth.verdict(flow("2001:db8::2", 51000, "2001:db8::1", 443, 6)).attack_cat(), "Backdoor");
  EXPECT_EQ(truth.verdict(flow("ff02::1", 0, "fe80::1", 0, 58)).attack_cat(), "Reconnaissance");
  EXPECT_EQ(truth.verdict(flow("2001:db8::1", 443, "2001:db8::3", 51000, 6)).label, 0);
  // An IPv4 address never equals an IPv6 one, not even the mapped form.
  EXPECT_EQ(truth.verdict(flow("::ffff:10.0.0.1", 5, "::ffff:10.0.0.2", 6, 6)).label, 0);
  EXPECT_EQ(truth.verdict(flow("10.0.0.1", 5, "10.0.0.2", 6, 6)).label, 1);
  EXPECT_EQ(truth.report().malformed, 0u);
}

TEST_F(GroundTruthTest, ReadsHexPortsAndProtocolNames) {
  const GroundTruth truth = load(std::string(kHeader) +
                                 "10.0.0.1,0x000b,10.0.0.2,0X01bB,TCP,a,1\n"
                                 "10.0.0.3,53,10.0.0.4,0xffff,Udp,b,1\n"
                                 "10.0.0.5,0,10.0.0.6,0,icmp,c,1\n"
                                 "10.0.0.7,0,10.0.0.8,0,icmpv6,d,1\n"
                                 "10.0.0.9,1,10.0.0.10,2,sctp,e,1\n"
                                 "10.0.0.11,0,10.0.0.12,0,OSPF,f,1\n"
                                 "10.0.0.13,0,10.0.0.14,0,gre,g,1\n"
                                 "10.0.0.15,0,10.0.0.16,0,255,h,1\n"
                                 "10.0.0.17,0,10.0.0.18,0,0x11,i,1\n");
  EXPECT_EQ(truth.report().malformed, 0u) << (truth.report().problems.empty() ? "" : truth.report().problems[0]);
  EXPECT_EQ(truth.verdict(flow("10.0.0.1", 11, "10.0.0.2", 443, 6)).attack_cat(), "a");
  EXPECT_EQ(truth.verdict(flow("10.0.0.3", 53, "10.0.0.4", 65535, 17)).attack_cat(), "b");
  EXPECT_EQ(truth.verdict(flow("10.0.0.5", 0, "10.0.0.6", 0, 1)).attack_cat(), "c");
  EXPECT_EQ(truth.verdict(flow("10.0.0.7", 0, "10.0.0.8", 0, 58)).attack_cat(), "d");
  EXPECT_EQ(truth.verdict(flow("10.0.0.9", 1, "10.0.0.10", 2, 132)).attack_cat(), "e");
  EXPECT_EQ(truth.verdict(flow("10.0.0.11", 0, "10.0.0.12", 0, 89)).attack_cat(), "f");
  EXPECT_EQ(truth.verdict(flow("10.0.0.13", 0, "10.0.0.14", 0, 47)).attack_cat(), "g");
  EXPECT_EQ(truth.verdict(flow("10.0.0.15", 0, "10.0.0.16", 0, 255)).attack_cat(), "h");
  EXPECT_EQ(truth.verdict(flow("10.0.0.17", 0, "10.0.0.18", 0, 17)).attack_cat(), "i");
  EXPECT_EQ(truth.verdict(flow("10.0.0.1", 11, "10.0.0.2", 443, 17)).label, 0);
}

TEST_F(GroundTruthTest, ToleratesBomCrlfQuotesAndWhitespace) {
  const GroundTruth truth = load(
      "\xEF\xBB\xBFsrcip , sport,\"dstip\",dsport,proto,attack_cat,Label\r\n"
      " 10.0.0.1 ,\t1000 ,\"10.0.0.2\", \"80\" ,tcp,\"Recon, \"\"deep\"\"\" ,1\r\n"
      "  \r\n"
      "10.0.0.3,1,10.0.0.4,2,udp,\"multi\r\nline\",1\r\n"
      "10.0.0.5,1,bad,2,udp,,1\r\n"
      "10.0.0.6,1,10.0.0.7,2,udp,\" kept \",1");  // no final line end

  EXPECT_EQ(truth.verdict(flow("10.0.0.1", 1000, "10.0.0.2", 80, 6)).attack_cat(), "Recon, \"deep\"");
  EXPECT_EQ(truth.verdict(flow("10.0.0.4", 2, "10.0.0.3", 1, 17)).attack_cat(), "multi\nline");
  EXPECT_EQ(truth.verdict(flow("10.0.0.6", 1, "10.0.0.7", 2, 17)).attack_cat(), " kept ");
  EXPECT_EQ(truth.report().rows, 4u);
  EXPECT_EQ(truth.report().loaded, 3u);
  ASSERT_EQ(truth.report().problems.size(), 1u);
  // The quoted line break counts: the bad row is on line 6.
  EXPECT_EQ(truth.report().problems[0], problem(6, "bad destination address 'bad'"));
}

TEST_F(GroundTruthTest, SkipsAndReportsMalformedRowsWithTheirLines) {
  const GroundTruth truth = load(std::string(kHeader) +
                                 "10.0.0.1,1,10.0.0.2,2,tcp,first,1\n"     // 2
                                 "1.2.3,1,10.0.0.2,2,tcp,,1\n"             // 3
                                 "10.0.0.1,-,10.0.0.2,-,arp,,1\n"          // 4
                                 "10.0.0.1,65536,10.0.0.2,2,tcp,,1\n"      // 5
                                 "10.0.0.1,1,10.0.0.2,0x,tcp,,1\n"         // 6
                                 "10.0.0.1,1,10.0.0.2,2,xyz,,1\n"          // 7
                                 "10.0.0.1,1,10.0.0.2,2,256,,1\n"          // 8
                                 "10.0.0.1,1,10.0.0.2,2,tcp,1\n"           // 9
                                 "10.0.0.1,1,10.0.0.2,2,tcp,,1,extra\n"    // 10
                                 "10.0.0.1,1,10.0.0.2,2,tcp,,\n"           // 11
                                 "10.0.0.1,-5,10.0.0.2,2,tcp,,1\n"         // 12
                                 "10.0.0.9,1,10.0.0.10,2,tcp,second,1\n"   // 13
                                 "10.0.0.1,1,10.0.0.2,2,\"tcp\"x,,1\n"     // 14
                                 "10.0.0.1,1,::1::2,2,tcp,,1\n" +          // 15
                                 good_rows(12) +                           // 16-27
                                 "10.0.0.11,1,10.0.0.12,2,tcp,\"open,1\n"  // 28, never closed
                                 "10.0.0.13,1,10.0.0.14,2,tcp,,1\n");
  // Line 4 ('-' ports, as UNSW-NB15 writes them, and a protocol name not known) and line 7 (a name
  // not known) are skipped as unknown protocols, not as malformed.
  const std::vector<std::string> expected{
      problem(3, "bad source address '1.2.3'"),
      problem(5, "bad source port '65536'"),
      problem(6, "bad destination port '0x'"),
      problem(8, "bad protocol '256'"),
      problem(9, "expected 7 fields, found 6"),
      problem(10, "expected 7 fields, found 8"),
      problem(11, "empty label"),
      problem(12, "bad source port '-5'"),
      problem(14, "text after the closing quote of a field"),
      problem(15, "bad destination address '::1::2'"),
      problem(28, "unterminated quoted field"),
  };
  EXPECT_EQ(truth.report().problems, expected);
  EXPECT_EQ(truth.report().rows, 27u);
  EXPECT_EQ(truth.report().loaded, 14u);
  EXPECT_EQ(truth.report().malformed, 11u);
  EXPECT_EQ(truth.report().unknown_protocol, 2u);
  // Loading went on past the bad rows.
  EXPECT_EQ(truth.verdict(flow("10.0.0.1", 1, "10.0.0.2", 2, 6)).attack_cat(), "first");
  EXPECT_EQ(truth.verdict(flow("10.0.0.9", 1, "10.0.0.10", 2, 6)).attack_cat(), "second");
  EXPECT_EQ(truth.size(), 14u);
}

TEST_F(GroundTruthTest, AFileWhereMostRowsFailIsOneErrorThatSaysWhy) {
  std::string content = kHeader;
  for (int i = 0; i < 30; ++i) content += "10.0.0.1,80,10.0.0.2,http,tcp,,1\n";
  content += good_rows(3);
  const std::string message = load_error(write(content));
  EXPECT_NE(message.find("30 of 33 rows cannot be read, 30 of them because the dst_port column does not hold ports"),
            std::string::npos) << message;
  EXPECT_NE(message.find("bad destination port 'http'"), std::string::npos) << message;
}

TEST_F(GroundTruthTest, AHeaderlessFileIsToldApartFromAMissingColumn) {
  const std::string message = load_error(write("59.166.0.0,1390,149.171.126.6,53,udp,0\n"));
  EXPECT_NE(message.find("has no header row: its first row holds data (the address '59.166.0.0')"), std::string::npos)
      << message;
  EXPECT_NE(message.find("labels.format: unsw-nb15"), std::string::npos) << message;
}

TEST_F(GroundTruthTest, KeepsTheFirstTwentyProblems) {
  std::string content = kHeader;
  for (int i = 0; i < 30; ++i) content += "10.0.0.1,x,10.0.0.2,2,tcp,,1\n";
  content += good_rows(31);
  const GroundTruth truth = load(content);
  EXPECT_EQ(truth.report().malformed, 30u);
  ASSERT_EQ(truth.report().problems.size(), GroundTruth::kMaxProblems);
  EXPECT_EQ(truth.report().problems.front(), problem(2, "bad source port 'x'"));
  EXPECT_EQ(truth.report().problems.back(), problem(21, "bad source port 'x'"));
}

TEST_F(GroundTruthTest, MissingRequiredColumnNamesColumnAndFile) {
  const fs::path path = write("srcip,sport,dstip,proto,Label\n10.0.0.1,1,10.0.0.2,tcp,1\n");
  const std::string message = load_error(path);
  EXPECT_NE(message.find(path.string()), std::string::npos) << message;
  EXPECT_NE(message.find("'dsport'"), std::string::npos) << message;
  EXPECT_EQ(message.find("'sport'"), std::string::npos) << message;

  const std::string two = load_error(write("a,b,c\n1,2,3\n", "other.csv"));
  for (const char* column : {"'srcip'", "'sport'", "'dstip'", "'dsport'", "'proto'"}) {
    EXPECT_NE(two.find(column), std::string::npos) << two;
  }
}

TEST_F(GroundTruthTest, UnusableFilesThrowNamingThePath) {
  const fs::path missing = dir_ / "no-such-file.csv";
  const std::string message = load_error(missing);
  EXPECT_NE(message.find(missing.string()), std::string::npos) << message;

  EXPECT_NE(load_error(dir_).find(dir_.string()), std::string::npos);

  const fs::path empty = write("", "empty.csv");
  EXPECT_NE(load_error(empty).find(empty.string()), std::string::npos);
  const fs::path blank = write("\r\n  \n", "blank.csv");
  EXPECT_NE(load_error(blank).find("header"), std::string::npos);

  const fs::path broken_header = write("srcip,\"sport\n", "broken.csv");
  EXPECT_NE(load_error(broken_header).find(broken_header.string() + ":1: header row"), std::string::npos);
}

TEST_F(GroundTruthTest, HeaderOnlyFileLabelsNothing) {
  const GroundTruth truth = load(kHeader);
  EXPECT_EQ(truth.size(), 0u);
  EXPECT_EQ(truth.report().rows, 0u);
  EXPECT_EQ(truth.verdict(flow("10.0.0.1", 1, "10.0.0.2", 2, 6)).label, 0);
}

TEST_F(GroundTruthTest, RowsLabelledZeroAreBenign) {
  const GroundTruth truth = load(std::string(kHeader) +
                                 "10.0.0.1,1,10.0.0.2,2,tcp,,0\n"             // A: benign only
                                 "10.0.0.3,1,10.0.0.4,2,tcp,DoS,1\n"          // B: attack
                                 "10.0.0.5,1,10.0.0.6,2,udp,Normal,0\n"       // C: benign, then attacks
                                 "10.0.0.6,2,10.0.0.5,1,udp,Fuzzers,1\n"      //    reversed
                                 "10.0.0.5,1,10.0.0.6,2,udp,Other,1\n"        //    same direction, later
                                 "10.0.0.7,1,10.0.0.8,2,tcp,Worms,1.0\n"      // D: written as a float
                                 "10.0.0.9,1,10.0.0.10,2,tcp,Worms,0.0\n"     // E: benign float
                                 "10.0.0.11,1,10.0.0.12,2,tcp,Generic,7\n");  // F: any non-zero label
  const LabelVerdict a = truth.verdict(flow("10.0.0.1", 1, "10.0.0.2", 2, 6));
  EXPECT_EQ(a.label, 0);
  EXPECT_EQ(a.attack_cat(), "");
  EXPECT_EQ(truth.verdict(flow("10.0.0.3", 1, "10.0.0.4", 2, 6)).attack_cat(), "DoS");
  const LabelVerdict c = truth.verdict(flow("10.0.0.5", 1, "10.0.0.6", 2, 17));
  EXPECT_EQ(c.label, 1);
  EXPECT_EQ(c.attack_cat(), "Fuzzers");
  EXPECT_EQ(truth.verdict(flow("10.0.0.7", 1, "10.0.0.8", 2, 6)).label, 1);
  EXPECT_EQ(truth.verdict(flow("10.0.0.9", 1, "10.0.0.10", 2, 6)).label, 0);
  EXPECT_EQ(truth.verdict(flow("10.0.0.11", 1, "10.0.0.12", 2, 6)).label, 1);
  EXPECT_EQ(truth.report().loaded, 8u);
  EXPECT_EQ(truth.size(), 6u);  // A to F, benign ones too
}

// CICFlowMeter's files label with text: BENIGN and the attack's name, with no attack_cat column.
TEST_F(GroundTruthTest, TextLabelsAreBenignValuesOrNameTheAttack) {
  const GroundTruth truth = load(
      "srcip,sport,dstip,dsport,proto,Label\n"
      "10.0.0.1,1,10.0.0.2,2,tcp,BENIGN\n"
      "10.0.0.3,1,10.0.0.4,2,tcp,DDoS\n"
      "10.0.0.5,1,10.0.0.6,2,udp,DoS Hulk\n"
      "10.0.0.7,1,10.0.0.8,2,tcp,normal\n"
      "10.0.0.9,1,10.0.0.10,2,tcp,benign\n");  // not a benign value: the list is matched exactly
  EXPECT_TRUE(truth.has_attack_cat());
  EXPECT_EQ(truth.report().malformed, 0u);
  EXPECT_EQ(truth.verdict(flow("10.0.0.1", 1, "10.0.0.2", 2, 6)).label, 0);
  const LabelVerdict ddos = truth.verdict(flow("10.0.0.4", 2, "10.0.0.3", 1, 6));
  EXPECT_EQ(ddos.label, 1);
  EXPECT_EQ(ddos.attack_cat(), "DDoS");
  EXPECT_EQ(truth.verdict(flow("10.0.0.5", 1, "10.0.0.6", 2, 17)).attack_cat(), "DoS Hulk");
  EXPECT_EQ(truth.verdict(flow("10.0.0.7", 1, "10.0.0.8", 2, 6)).label, 0);
  EXPECT_EQ(truth.verdict(flow("10.0.0.9", 1, "10.0.0.10", 2, 6)).label, 1);

  GroundTruthColumns columns;
  columns.benign_values = {"benign", "BENIGN"};
  const GroundTruth custom = load("srcip,sport,dstip,dsport,proto,attack_cat,Label\n"
                                  "10.0.0.9,1,10.0.0.10,2,tcp,,benign\n"
                                  "10.0.0.3,1,10.0.0.4,2,tcp,Flood,DDoS\n",
                                  columns);
  EXPECT_EQ(custom.verdict(flow("10.0.0.9", 1, "10.0.0.10", 2, 6)).label, 0);
  EXPECT_EQ(custom.verdict(flow("10.0.0.3", 1, "10.0.0.4", 2, 6)).attack_cat(), "Flood");  // the column wins
}

TEST_F(GroundTruthTest, NumericLabelsWithoutCategoryColumnHaveNone) {
  const GroundTruth truth = load("srcip,sport,dstip,dsport,proto,Label\n10.0.0.3,1,10.0.0.4,2,tcp,1\n");
  EXPECT_FALSE(truth.has_attack_cat());
  EXPECT_EQ(truth.verdict(flow("10.0.0.3", 1, "10.0.0.4", 2, 6)).label, 1);
}

TEST_F(GroundTruthTest, WithoutLabelColumnEveryRowIsAnAttack) {
  const GroundTruth truth = load(
      "srcip,sport,dstip,dsport,proto,attack_cat\n"
      "10.0.0.1,1,10.0.0.2,2,tcp,\n"
      "10.0.0.1,1,10.0.0.2,2,tcp,Late\n"
      "10.0.0.3,1,10.0.0.4,2,tcp,Exploits\n");
  EXPECT_FALSE(truth.has_label_column());
  EXPECT_TRUE(truth.has_attack_cat());
  // The first matching row had no category: it stays empty, as stated.
  const LabelVerdict first = truth.verdict(flow("10.0.0.1", 1, "10.0.0.2", 2, 6));
  EXPECT_EQ(first.label, 1);
  EXPECT_EQ(first.attack_cat(), "");
  EXPECT_EQ(truth.verdict(flow("10.0.0.3", 1, "10.0.0.4", 2, 6)).attack_cat(), "Exploits");

  const GroundTruth bare = load("srcip,sport,dstip,dsport,proto\n10.0.0.1,1,10.0.0.2,2,tcp\n");
  EXPECT_FALSE(bare.has_label_column());
  EXPECT_FALSE(bare.has_attack_cat());
  const LabelVerdict v = bare.verdict(flow("10.0.0.2", 2, "10.0.0.1", 1, 6));
  EXPECT_EQ(v.label, 1);
  EXPECT_EQ(v.attack_cat(), "");
}

TEST_F(GroundTruthTest, AttackCategoryIsCutTo31BytesOnACharacterBoundary) {
  const std::string ascii = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefgh";           // 34 bytes
  const std::string accented = std::string(30, 'x') + "\xC3\xA9" + "tail";  // "é" spans bytes 30-31
  const GroundTruth truth =
      load(std::string(kHeader) + "10.0.0.1,1,10.0.0.2,2,tcp," + ascii + ",1\n" + "10.0.0.3,1,10.0.0.4,2,tcp," +
           accented + ",1\n" + "10.0.0.5,1,10.0.0.6,2,tcp," + std::string(31, 'y') + ",1\n");
  EXPECT_EQ(truth.verdict(flow("10.0.0.1", 1, "10.0.0.2", 2, 6)).attack_cat(), ascii.substr(0, 31));
  EXPECT_EQ(truth.verdict(flow("10.0.0.3", 1, "10.0.0.4", 2, 6)).attack_cat(), std::string(30, 'x'));
  EXPECT_EQ(truth.verdict(flow("10.0.0.5", 1, "10.0.0.6", 2, 6)).attack_cat(), std::string(31, 'y'));
}

TEST_F(GroundTruthTest, ConfiguredColumnNamesMatchIgnoringCase) {
  GroundTruthColumns columns;
  columns.src_ip = "Source IP";
  columns.src_port = "Source Port";
  columns.dst_ip = "Destination IP";
  columns.dst_port = "Destination Port";
  columns.protocol = "Protocol";
  columns.label = "";
  columns.attack_cat = "Attack category";
  const GroundTruth truth = load(
      "Start time,Last time,Attack category,Attack subcategory,protocol,source ip,Source Port,"
      "Destination IP,Destination Port,Attack Name,Attack Reference,.\n"
      "1421927416,1421927416,Reconnaissance,HTTP,tcp,175.45.176.0,13284,149.171.126.16,80,"
      "\"Domino Web Server Database Access: /doladmin.nsf, over HTTP\",-,.\n",
      columns);
  EXPECT_FALSE(truth.has_label_column());
  EXPECT_TRUE(truth.has_attack_cat());
  EXPECT_EQ(truth.report().malformed, 0u);
  EXPECT_EQ(truth.verdict(flow("149.171.126.16", 80, "175.45.176.0", 13284, 6)).attack_cat(), "Reconnaissance");
}

TEST_F(GroundTruthTest, ExactHeaderNameWinsOverACaseVariant) {
  const GroundTruth truth = load(
      "srcip,sport,dstip,dsport,proto,label,Label\n"
      "10.0.0.1,1,10.0.0.2,2,tcp,1,0\n"
      "10.0.0.3,1,10.0.0.4,2,tcp,0,1\n");
  EXPECT_EQ(truth.verdict(flow("10.0.0.1", 1, "10.0.0.2", 2, 6)).label, 0);
  EXPECT_EQ(truth.verdict(flow("10.0.0.3", 1, "10.0.0.4", 2, 6)).label, 1);
}

TEST_F(GroundTruthTest, IsMovable) {
  GroundTruth truth = load(std::string(kHeader) + "10.0.0.1,1,10.0.0.2,2,tcp,DoS,1\n");
  GroundTruth moved = std::move(truth);
  EXPECT_EQ(moved.verdict(flow("10.0.0.1", 1, "10.0.0.2", 2, 6)).attack_cat(), "DoS");
  truth = load(kHeader);
  EXPECT_EQ(truth.size(), 0u);
}

}  // namespace
}  // namespace flowfeat
