// A QEMU process over the qtest line protocol: process start, line I/O with timeouts, teardown.
// Tests: tests/conform/qemu_smmu_test.cc
#include "qemu_qtest.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <sstream>

namespace smmuref::conform {

namespace {

// One line of protocol output is short; a line longer than this is garbage.
constexpr size_t kMaxLine = 1 << 20;

spec::Error Fail(const std::string& what) { return spec::Error{"qemu", what}; }

void CloseFd(int* fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

}  // namespace

bool FindOnPath(const std::string& name, std::string* found) {
  auto executable = [](const std::string& p) {
    struct stat st;
    return stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(p.c_str(), X_OK) == 0;
  };
  if (name.find('/') != std::string::npos) {
    if (!executable(name)) return false;
    *found = name;
    return true;
  }
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const std::string p = (dir.empty() ? "." : dir) + "/" + name;
    if (executable(p)) {
      *found = p;
      return true;
    }
  }
  return false;
}

spec::Result<std::unique_ptr<QtestProcess>> QtestProcess::Start(
    const std::vector<std::string>& argv, int timeout_ms) {
  std::string binary;
  if (argv.empty() || !FindOnPath(argv[0], &binary)) {
    return Fail("'" + (argv.empty() ? std::string() : argv[0]) + "' is not installed (not on PATH)");
  }
  int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
  if (pipe(in) != 0 || pipe(out) != 0 || pipe(err) != 0) {
    const std::string why = std::strerror(errno);
    for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) {
      if (fd >= 0) close(fd);
    }
    return Fail("pipe: " + why);
  }
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) return Fail(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) close(fd);
    execv(binary.c_str(), args.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  close(err[1]);
  auto p = std::unique_ptr<QtestProcess>(new QtestProcess());
  p->pid_ = pid;
  p->in_ = in[1];
  p->out_ = out[0];
  p->err_ = err[0];
  p->timeout_ms_ = timeout_ms;
  fcntl(p->err_, F_SETFL, fcntl(p->err_, F_GETFL) | O_NONBLOCK);
  // A write to a QEMU that has died must be an error, not SIGPIPE.
  signal(SIGPIPE, SIG_IGN);
  return p;
}

QtestProcess::~QtestProcess() {
  CloseFd(&in_);
  CloseFd(&out_);
  CloseFd(&err_);
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

spec::Result<std::string> QtestProcess::ReadLine(int fd, std::string* buf, int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    const size_t nl = buf->find('\n');
    if (nl != std::string::npos) {
      std::string line = buf->substr(0, nl);
      buf->erase(0, nl + 1);
      return line;
    }
    if (buf->size() > kMaxLine) return Fail("QEMU wrote a line longer than 1 MiB");
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return Fail("QEMU did not answer within " + std::to_string(timeout_ms) + " ms");
    }
    // Standard error is drained while waiting, so that trace output never fills its pipe and
    // blocks QEMU before it answers.
    pollfd pfd[2] = {{fd, POLLIN, 0}, {err_, POLLIN, 0}};
    const int r = poll(pfd, 2, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;
    if (pfd[1].revents & POLLIN) DrainInto(&err_buf_);
    if (!(pfd[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    char chunk[4096];
    const ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) return Fail("QEMU exited or closed its output");
    buf->append(chunk, static_cast<size_t>(n));
  }
}

spec::Result<std::vector<std::string>> QtestProcess::Command(const std::string& line) {
  if (failed_) return Fail("QEMU failed earlier; '" + line + "' not sent");
  const std::string text = line + "\n";
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = write(in_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      failed_ = true;
      return Fail("QEMU closed its input before '" + line + "'");
    }
    done += static_cast<size_t>(n);
  }
  for (;;) {
    auto reply = ReadLine(out_, &out_buf_, timeout_ms_);
    if (!reply) {
      failed_ = true;
      return spec::Error{"qemu", reply.error().message + " (command '" + line + "')"};
    }
    std::istringstream words(*reply);
    std::string head;
    words >> head;
    // Asynchronous notifications ("IRQ raise N") may come between commands: not answers.
    if (head == "IRQ") continue;
    if (head != "OK") {
      return Fail("QEMU answered '" + *reply + "' to '" + line + "'");
    }
    std::vector<std::string> rest;
    for (std::string w; words >> w;) rest.push_back(w);
    return rest;
  }
}

void QtestProcess::DrainInto(std::string* buf) {
  char chunk[4096];
  for (;;) {
    const ssize_t n = read(err_, chunk, sizeof chunk);
    if (n <= 0) break;
    buf->append(chunk, static_cast<size_t>(n));
  }
}

std::vector<std::string> QtestProcess::DrainStderr() {
  std::vector<std::string> lines;
  DrainInto(&err_buf_);
  for (size_t nl; (nl = err_buf_.find('\n')) != std::string::npos;) {
    lines.push_back(err_buf_.substr(0, nl));
    err_buf_.erase(0, nl + 1);
  }
  return lines;
}

}  // namespace smmuref::conform
