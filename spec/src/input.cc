// Number syntax and bounded file reading for user input (see input.h).
#include "smmuref/spec/input.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace smmuref::spec {

namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

const char* FileKind(mode_t m) {
  if (S_ISDIR(m)) return "a directory";
  if (S_ISFIFO(m)) return "a FIFO or pipe";
  if (S_ISSOCK(m)) return "a socket";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  return "not a regular file";
}

// Length of the UTF-8 sequence starting at s[i], or 0 if it is not well formed (overlong forms,
// surrogates and code points above U+10FFFF are not).
size_t Utf8Length(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  size_t n = 0;
  unsigned lo = 0x80, hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) n = 2;
  else if (c >= 0xe0 && c <= 0xef) n = 3, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
  else if (c >= 0xf0 && c <= 0xf4) n = 4, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
  else return 0;
  if (i + n > s.size()) return 0;
  if (b(1) < lo || b(1) > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    if (b(k) < 0x80 || b(k) > 0xbf) return 0;
  }
  return n;
}

std::string ByteName(unsigned char c) {
  static const char kHex[] = "0123456789abcdef";
  return std::string("0x") + kHex[c >> 4] + kHex[c & 15];
}

}  // namespace

bool ParseU64(std::string_view s, uint64_t* out, std::string* why) {
  const bool hex = s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
  const std::string_view digits = hex ? s.substr(2) : s;
  if (digits.empty()) {
    *why = hex ? "no digits after 0x" : "empty";
    return false;
  }
  uint64_t v = 0;
  for (char c : digits) {
    const int d = hex ? HexDigit(c) : (c >= '0' && c <= '9' ? c - '0' : -1);
    if (d < 0) {
      *why = hex ? "not a hexadecimal digit in a 0x number" : "not a decimal number";
      if (c == '\0') *why = "a NUL byte inside the number";
      return false;
    }
    const unsigned base = hex ? 16 : 10;
    if (v > (UINT64_MAX - static_cast<unsigned>(d)) / base) {
      *why = "exceeds 64 bits";
      return false;
    }
    v = v * base + static_cast<unsigned>(d);
  }
  *out = v;
  return true;
}

bool ParseUnsignedBits(std::string_view s, unsigned bits, uint64_t* out, std::string* why) {
  if (!ParseU64(s, out, why)) return false;
  if (bits < 64 && (*out >> bits) != 0) {
    *why = "exceeds " + std::to_string(bits) + " bits";
    return false;
  }
  return true;
}

Result<std::string> ReadTextFile(const std::string& path, uint64_t max_bytes, const char* what) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below by its type.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return Error{path, std::string("cannot read ") + what + ": " + std::strerror(errno)};
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const std::string err = std::strerror(errno);
    ::close(fd);
    return Error{path, std::string("cannot read ") + what + ": " + err};
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return Error{path, std::string("cannot read ") + what + ": it is " + FileKind(st.st_mode) +
                           "; expected a regular file"};
  }
  const std::string limit = "the limit is " + std::to_string(max_bytes) + " bytes";
  if (static_cast<uint64_t>(st.st_size) > max_bytes) {
    ::close(fd);
    return Error{path, std::string(what) + " is " + std::to_string(st.st_size) + " bytes; " + limit};
  }
  std::string text;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const std::string err = std::strerror(errno);
      ::close(fd);
      return Error{path, std::string("cannot read ") + what + ": " + err};
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > max_bytes) {  // the file grew while being read
      ::close(fd);
      return Error{path, std::string(what) + " is larger than " + std::to_string(max_bytes) +
                             " bytes; " + limit};
    }
  }
  ::close(fd);
  return text;
}

size_t FindBadByte(std::string_view text, std::string* why) {
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == 0) {
      *why = "a NUL byte";
      return i;
    }
    if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f) {
      *why = "the control character " + ByteName(c);
      return i;
    }
    if (c < 0x80) {
      ++i;
      continue;
    }
    const size_t n = Utf8Length(text, i);
    if (n == 0) {
      *why = "the byte " + ByteName(c) + ", which is not UTF-8";
      return i;
    }
    i += n;
  }
  return std::string_view::npos;
}

}  // namespace smmuref::spec
