// Child-process runner for CLI tests (see run_cli.h).
#include "run_cli.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>

namespace smmuref::testing {

namespace {

void Drain(int fd, std::string* into, bool* open) {
  char buf[4096];
  const ssize_t n = ::read(fd, buf, sizeof buf);
  if (n > 0) into->append(buf, static_cast<size_t>(n));
  else if (n == 0 || (errno != EINTR && errno != EAGAIN)) *open = false;
}

}  // namespace

CliRun RunCli(const std::vector<std::string>& args, const std::string& cwd, int timeout_seconds) {
  int out[2], err[2];
  CliRun r;
  if (::pipe(out) != 0 || ::pipe(err) != 0) return r;
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out[1], 1);
    ::dup2(err[1], 2);
    ::close(out[0]), ::close(err[0]), ::close(out[1]), ::close(err[1]);
    const int devnull = ::open("/dev/null", O_RDONLY);
    ::dup2(devnull, 0);
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(127);
    std::vector<char*> argv;
    std::string prog = SMMUREF_CLI;
    argv.push_back(prog.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(prog.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(out[1]), ::close(err[1]);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  bool out_open = true, err_open = true;
  while (out_open || err_open) {
    pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
    const int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                          deadline - std::chrono::steady_clock::now()).count());
    if (left <= 0) {
      r.timed_out = true;
      ::kill(pid, SIGKILL);
      break;
    }
    if (::poll(fds, 2, left) <= 0) continue;
    if (out_open && (fds[0].revents & (POLLIN | POLLHUP))) Drain(out[0], &r.out, &out_open);
    if (err_open && (fds[1].revents & (POLLIN | POLLHUP))) Drain(err[0], &r.err, &err_open);
  }
  ::close(out[0]), ::close(err[0]);
  int ws = 0;
  ::waitpid(pid, &ws, 0);
  if (!r.timed_out && WIFEXITED(ws)) r.status = WEXITSTATUS(ws);
  return r;
}

std::string TempDir(const std::string& name) {
  namespace fs = std::filesystem;
  // One folder per test process, removed when it exits.
  static const struct Root {
    fs::path path;
    Root() {
      const char* base = std::getenv("TMPDIR");
      path = fs::path(base ? base : "/tmp") / ("smmuref-test-" + std::to_string(::getpid()));
    }
    ~Root() {
      std::error_code ec;
      fs::remove_all(path, ec);
    }
  } root;
  const fs::path dir = root.path / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

}  // namespace smmuref::testing
