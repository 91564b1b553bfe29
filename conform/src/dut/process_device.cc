// A DUT in a child process speaking the JSON-lines protocol of spec/dut-protocol.md over its
// standard input and output: the handshake, one request per line, the DUT's memory callbacks
// served from the harness's memory while a request is pending, and every way a process can fail
// (exit, hang past the timeout, garbage, a protocol version it does not share) turned into a
// device failure naming the DUT and what happened; the child is then killed.
// Tests: tests/conformance/dut_process_test.cc
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <nlohmann/json.hpp>
#include <thread>

#include "dut_device.h"
#include "smmuref/spec/format.h"

namespace smmuref::conform::dut {

namespace {

using nlohmann::json;
using spec::ErrorKind;
using spec::Hex;

constexpr int kProtocol = 1;
constexpr size_t kMaxLine = 1 << 20;
constexpr int kMaxCallbacks = 1000000;
double g_timeout = 10;

// A number as the protocol carries it: "0x..." (at most 64 bits) or a JSON unsigned integer.
bool Number(const json& j, uint64_t* out) {
  if (j.is_number_unsigned()) {
    *out = j.get<uint64_t>();
    return true;
  }
  if (!j.is_string()) return false;
  const std::string& s = j.get_ref<const std::string&>();
  if (s.size() < 3 || s.size() > 18 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) return false;
  uint64_t v = 0;
  for (size_t i = 2; i < s.size(); ++i) {
    const char c = s[i];
    const int d = c >= '0' && c <= '9'   ? c - '0'
                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                         : -1;
    if (d < 0) return false;
    v = v << 4 | static_cast<uint64_t>(d);
  }
  *out = v;
  return true;
}

json ProfileJson(const DutProfile& p) {
  json idr = json::array();
  for (uint32_t v : p.idr) idr.push_back(Hex(v));
  json values = json::object();
  for (const auto& [k, v] : p.values) values[k] = v;
  return {{"name", p.name}, {"idr", idr}, {"aidr", Hex(p.aidr)},
          {"coherent_walk", p.coherent_walk}, {"values", values}};
}

class ProcessLink final : public DutLink {
 public:
  ProcessLink(std::string command, HarnessMemory* mem, double timeout)
      : command_(std::move(command)), mem_(mem), timeout_(timeout) {}
  ~ProcessLink() override { Shutdown(); }

  spec::Result<bool> Start(const DutProfile& profile);
  // Talks to file descriptors instead of a child: `from` gives the DUT's lines.
  spec::Result<bool> Attach(int to, int from, const DutProfile& profile) {
    to_ = to;
    from_ = from;
    owned_ = false;
    return Handshake(profile);
  }
  const std::string& own_profile() const { return own_profile_; }

  spec::Result<uint64_t> RegRead(uint32_t offset, unsigned size) override {
    auto r = Request({{"op", "reg_read"}, {"offset", Hex(offset)}, {"size", size}});
    if (!r) return r.error();
    uint64_t v;
    if (!r->contains("value") || !Number((*r)["value"], &v)) return Garbage("a reg_read answer without a number 'value'");
    if (size == 32 && v > 0xffffffffu) return Garbage("a 32-bit reg_read answer above 32 bits");
    return v;
  }
  spec::Result<bool> RegWrite(uint32_t offset, unsigned size, uint64_t value) override {
    auto r = Request({{"op", "reg_write"}, {"offset", Hex(offset)}, {"size", size},
                      {"value", Hex(value)}});
    if (!r) return r.error();
    return true;
  }
  spec::Result<DutOutcome> Translate(const smmuref_dut_txn& t) override;
  spec::Result<bool> Process() override {
    auto r = Request({{"op", "process"}});
    if (!r) return r.error();
    return true;
  }
  // Kept for the next request's `notes`, when the DUT asked for them in its hello answer.
  spec::Result<bool> Note(const smmuref_dut_note& n) override {
    if (!notes_) return true;
    static const char* const kKinds[] = {"write", "clean", "abort"};
    if (n.kind > SMMUREF_DUT_NOTE_ABORT) return true;
    json note = {{"seq", n.seq}, {"kind", kKinds[n.kind]}, {"pa", Hex(n.pa)}};
    note[n.kind == SMMUREF_DUT_NOTE_WRITE ? "value" : "len"] = Hex(n.value);
    pending_notes_.push_back(std::move(note));
    return true;
  }

 private:
  spec::Result<bool> Handshake(const DutProfile& profile);
  spec::Result<json> Request(json request);
  bool ServeCallback(const json& cb);
  spec::Result<std::string> ReadLine();
  bool WriteLine(const std::string& line);
  spec::Error Fail(const std::string& what);
  spec::Error Garbage(const std::string& what) { return Fail("sent " + what); }
  std::string ExitStatus();
  void Shutdown();

  std::string command_;
  HarnessMemory* mem_;
  double timeout_;
  pid_t pid_ = -1;
  int to_ = -1, from_ = -1;
  std::string buf_;
  uint64_t next_id_ = 0;
  std::optional<spec::Error> dead_;
  std::string own_profile_;  // the hello answer's `profile`
  bool notes_ = false;       // the hello answer's `notes`: the DUT wants the memory notes
  json pending_notes_ = json::array();
  bool owned_ = true;        // to_ and from_ are this link's to close
};

spec::Result<bool> ProcessLink::Start(const DutProfile& profile) {
  static const bool ignore_sigpipe = [] {
    signal(SIGPIPE, SIG_IGN);  // a DUT that exits makes writes fail, not the harness die
    return true;
  }();
  (void)ignore_sigpipe;
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) != 0) return Fail(std::string("could not be started: ") + std::strerror(errno));
  if (pipe2(out, O_CLOEXEC) != 0) {
    close(in[0]), close(in[1]);
    return Fail(std::string("could not be started: ") + std::strerror(errno));
  }
  pid_ = fork();
  if (pid_ == 0) {
    setpgid(0, 0);  // its own group: killing the group ends the shell and what it started
    dup2(in[0], 0);
    dup2(out[1], 1);
    execl("/bin/sh", "sh", "-c", command_.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  if (pid_ > 0) setpgid(pid_, 0);  // also here, so a kill right after the fork reaches it
  close(in[0]);
  close(out[1]);
  to_ = in[1];
  from_ = out[0];
  if (pid_ < 0) return Fail(std::string("could not be started: ") + std::strerror(errno));
  return Handshake(profile);
}

spec::Result<bool> ProcessLink::Handshake(const DutProfile& profile) {
  auto hello = Request({{"op", "hello"}, {"protocol", kProtocol}, {"harness", "smmuref"},
                        {"profile", ProfileJson(profile)}});
  if (!hello) return hello.error();
  if (!hello->contains("protocol") || !(*hello)["protocol"].is_number_unsigned()) {
    return Garbage("a hello answer without a 'protocol' number");
  }
  if ((*hello)["protocol"].get<uint64_t>() != kProtocol) {
    return Fail("speaks DUT protocol version " + (*hello)["protocol"].dump() +
                "; this harness speaks version " + std::to_string(kProtocol));
  }
  if (hello->contains("profile") && (*hello)["profile"].is_string()) {
    own_profile_ = (*hello)["profile"].get<std::string>();
  }
  notes_ = hello->contains("notes") && (*hello)["notes"].is_boolean() && (*hello)["notes"].get<bool>();
  auto reset = Request({{"op", "reset"}, {"profile", ProfileJson(profile)}});
  if (!reset) return reset.error();
  return true;
}

spec::Result<DutOutcome> ProcessLink::Translate(const smmuref_dut_txn& t) {
  const char* access = t.access == SMMUREF_DUT_WRITE ? "w" : t.access == SMMUREF_DUT_EXEC ? "x" : "r";
  auto r = Request({{"op", "translate"},
                    {"txn", {{"sid", t.sid}, {"ssv", t.ssv != 0}, {"ssid", t.ssid},
                             {"addr", Hex(t.addr)}, {"access", access}, {"priv", t.priv != 0}}}});
  if (!r) return r.error();
  if (!r->contains("outcome") || !(*r)["outcome"].is_object()) return Garbage("a translate answer without an 'outcome' object");
  const json& o = (*r)["outcome"];
  const std::string kind = o.contains("kind") && o["kind"].is_string() ? o["kind"].get<std::string>() : "";
  DutOutcome out;
  if (kind == "ok") {
    out.kind = SMMUREF_DUT_COMPLETED;
    if (!o.contains("pa") || !Number(o["pa"], &out.pa)) return Garbage("an 'ok' outcome without a number 'pa'");
  } else if (kind == "abort") {
    out.kind = SMMUREF_DUT_ABORTED;
  } else if (kind == "raz") {
    out.kind = SMMUREF_DUT_RAZ_WI;
  } else {
    return Garbage("an outcome whose 'kind' is not ok, abort or raz: " + o.dump().substr(0, 200));
  }
  if (o.contains("event")) {  // absent: the DUT does not say which record it attempted
    out.event_reported = true;
    if (!o["event"].is_null()) {
      std::array<uint64_t, 4> words{};
      if (!o["event"].is_array() || o["event"].size() != 4) return Garbage("an 'event' that is not null or four numbers");
      for (size_t i = 0; i < 4; ++i) {
        if (!Number(o["event"][i], &words[i])) return Garbage("an 'event' that is not null or four numbers");
      }
      out.event = words;
    }
  }
  return out;
}

spec::Result<json> ProcessLink::Request(json request) {
  if (dead_) return *dead_;
  const uint64_t id = next_id_++;
  request["id"] = id;
  if (!pending_notes_.empty()) {
    request["notes"] = std::move(pending_notes_);
    pending_notes_ = json::array();
  }
  const std::string op = request["op"];
  if (!WriteLine(request.dump())) return Fail("closed its input before '" + op + "' (" + ExitStatus() + ")");
  for (int callbacks = 0;; ++callbacks) {
    if (callbacks > kMaxCallbacks) {
      return Fail("did not finish '" + op + "' within " + std::to_string(kMaxCallbacks) + " memory callbacks");
    }
    auto line = ReadLine();
    if (!line) return line.error();
    json m = json::parse(*line, nullptr, false);
    if (m.is_discarded() || !m.is_object()) return Garbage("a line that is not a JSON object: " + line->substr(0, 200));
    if (m.contains("cb")) {
      if (!ServeCallback(m)) return *dead_;
      continue;
    }
    if (!m.contains("id") || !m["id"].is_number_unsigned() || m["id"].get<uint64_t>() != id) {
      return Garbage("an answer to '" + op + "' (id " + std::to_string(id) + ") with another id: " + line->substr(0, 200));
    }
    if (m.contains("error")) {
      const std::string kind = m["error"].is_string() ? m["error"].get<std::string>() : "";
      const std::string why = m.contains("message") && m["message"].is_string() ? m["message"].get<std::string>() : "";
      if (kind == "not_implemented") {
        return spec::Error{"", "not implemented by the DUT: '" + op + "'" + (why.empty() ? "" : ": " + why),
                           ErrorKind::kNotImplemented};
      }
      if (kind == "failed") return Fail("failed '" + op + "'" + (why.empty() ? "" : ": " + why));
      return Garbage("an 'error' that is not not_implemented or failed: " + line->substr(0, 200));
    }
    if (!m.contains("ok") || m["ok"] != true) return Garbage("an answer to '" + op + "' without \"ok\":true or \"error\"");
    return m;
  }
}

bool ProcessLink::ServeCallback(const json& cb) {
  const std::string kind = cb["cb"].is_string() ? cb["cb"].get<std::string>() : "";
  uint64_t pa = 0, value = 0;
  if (kind != "mem_read" && kind != "mem_write") {
    Garbage("a callback that is not mem_read or mem_write: " + cb.dump().substr(0, 200));
    return false;
  }
  if (!cb.contains("pa") || !Number(cb["pa"], &pa) ||
      (kind == "mem_write" && (!cb.contains("value") || !Number(cb["value"], &value)))) {
    Garbage("a " + kind + " callback without its numbers: " + cb.dump().substr(0, 200));
    return false;
  }
  json reply = {{"cb", kind}};
  if (kind == "mem_read") {
    if (mem_->SmmuRead(pa, &value)) reply["value"] = Hex(value);
    else reply["abort"] = true;
  } else {
    if (mem_->SmmuWrite(pa, value)) reply["ok"] = true;
    else reply["abort"] = true;
  }
  if (!mem_->violation().empty()) {
    Fail("broke the memory contract: " + mem_->violation());
    return false;
  }
  if (!WriteLine(reply.dump())) {
    Fail("closed its input during a callback (" + ExitStatus() + ")");
    return false;
  }
  return true;
}

spec::Result<std::string> ProcessLink::ReadLine() {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::duration<double>(timeout_ > 0 ? timeout_ : g_timeout);
  for (;;) {
    const size_t nl = buf_.find('\n');
    if (nl != std::string::npos) {
      std::string line = buf_.substr(0, nl);
      buf_.erase(0, nl + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return line;
    }
    if (buf_.size() > kMaxLine) return Garbage("a line longer than 1 MiB");
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    pollfd p{from_, POLLIN, 0};
    const int ready = left.count() > 0 ? poll(&p, 1, static_cast<int>(left.count())) : 0;
    if (ready == 0) {
      return Fail("did not answer within " + std::to_string(timeout_ > 0 ? timeout_ : g_timeout) + " s (hung?)");
    }
    if (ready < 0 && errno == EINTR) continue;
    char chunk[65536];
    const ssize_t n = read(from_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Fail("closed its output before answering (" + ExitStatus() + ")");
    buf_.append(chunk, static_cast<size_t>(n));
  }
}

bool ProcessLink::WriteLine(const std::string& line) {
  const std::string s = line + "\n";
  for (size_t done = 0; done < s.size();) {
    const ssize_t n = write(to_, s.data() + done, s.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// How the child ended, waiting for it briefly; it is killed if it has not.
std::string ProcessLink::ExitStatus() {
  if (pid_ <= 0) return "not running";
  int st = 0;
  pid_t r = 0;
  for (int i = 0; i < 50 && (r = waitpid(pid_, &st, WNOHANG)) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (r == 0) {
    kill(-pid_, SIGKILL);
    waitpid(pid_, &st, 0);
    pid_ = -1;
    return "still running; killed";
  }
  pid_ = -1;
  if (WIFEXITED(st)) return "exited with status " + std::to_string(WEXITSTATUS(st));
  if (WIFSIGNALED(st)) return std::string("killed by signal ") + strsignal(WTERMSIG(st));
  return "ended";
}

spec::Error ProcessLink::Fail(const std::string& what) {
  if (dead_) return *dead_;
  if (pid_ > 0) {
    kill(-pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  dead_ = spec::Error{"", "DUT '" + command_ + "' " + what, ErrorKind::kDeviceFailure};
  return *dead_;
}

void ProcessLink::Shutdown() {
  if (pid_ > 0 && !dead_) {
    WriteLine(json{{"id", next_id_++}, {"op", "bye"}}.dump());
    close(to_);
    to_ = -1;
    ExitStatus();  // waits briefly, then kills
  } else if (pid_ > 0) {
    kill(-pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (!owned_) return;  // attached to descriptors it does not own
  if (to_ >= 0) close(to_);
  if (from_ >= 0) close(from_);
}

}  // namespace

void SetProcessTimeout(double seconds) { g_timeout = seconds; }

spec::Result<bool> ReplayDutTranscript(const std::string& dut_lines) {
  std::FILE* in = std::tmpfile();
  std::FILE* out = std::fopen("/dev/null", "w");
  if (!in || !out) SMMUREF_UNREACHABLE("no temporary file for a DUT transcript");
  std::fwrite(dut_lines.data(), 1, dut_lines.size(), in);
  std::fflush(in);
  std::rewind(in);
  auto full = spec::LoadProfile("full");
  SMMUREF_CHECK(full.ok(), "the full profile is built in");
  spec::Result<bool> result = true;
  {
    HarnessMemory mem;
    mem.AddAbortRange(0x8000, 0x1000);
    ProcessLink link("transcript", &mem, 1);
    result = link.Attach(fileno(out), fileno(in), DescribeProfile(*full));
    smmuref_dut_txn t{};
    t.addr = 0x1000;
    for (int i = 0; result && i < 64; ++i) {
      auto a = link.RegRead(0x20 + 4 * (i % 8), i % 3 ? 32 : 64);
      auto b = link.Translate(t);
      auto c = link.Process();
      if (!a) result = a.error();
      else if (!b) result = b.error();
      else if (!c) result = c.error();
    }
  }
  std::fclose(in);
  std::fclose(out);
  return result;
}

spec::Result<std::string> ProcessDutProfile(const std::string& command, const DutProfile& profile) {
  HarnessMemory mem;
  ProcessLink link(command, &mem, -1);
  auto started = link.Start(profile);
  if (!started) return started.error();
  return link.own_profile();
}

spec::Result<std::unique_ptr<DutLink>> MakeProcessLink(const std::string& command,
                                                       const DutProfile& profile,
                                                       HarnessMemory* mem, double timeout_s) {
  auto link = std::make_unique<ProcessLink>(command, mem, timeout_s);
  auto started = link->Start(profile);
  if (!started) return started.error();
  return std::unique_ptr<DutLink>(std::move(link));
}

}  // namespace smmuref::conform::dut
