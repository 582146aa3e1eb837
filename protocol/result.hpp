#pragma once
// Expected-style return type for decoders: a value or a protocol_error, never a throw.
// (std::expected is C++23; the project builds as C++20.)
#include <cassert>
#include <utility>
#include <variant>

#include "protocol/protocol_error.hpp"

namespace chorus::protocol {

template <class T>
class result {
public:
  result(T value) : v_(std::move(value)) {}
  result(protocol_error error) : v_(std::move(error)) {}

  bool has_value() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & { assert(has_value()); return std::get<0>(v_); }
  const T& value() const& { assert(has_value()); return std::get<0>(v_); }
  T&& value() && { assert(has_value()); return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const protocol_error& error() const { assert(!has_value()); return std::get<1>(v_); }

private:
  std::variant<T, protocol_error> v_;
};

} // namespace chorus::protocol
