// Policy knobs: the Linux versions and seed-era variants of the IOMMU API, each a named value with
// a default (spec/api-knobs.md lists them with their rule ids and the exact versions of each
// value). Knobs change only while no instance is registered (R-API-003).
// Tests: tests/model/api/domain_test.cc (Knobs).
#pragma once

#include <cstdint>
#include <string>

#include "smmuref/model/api/errno.h"

namespace smmuref::model::api {

using spec::api::DomainScope;
using spec::api::Knobs;
using spec::api::MapOverlap;
using spec::api::PartialUnmap;
using spec::api::PasidLifetime;
using spec::api::SetKnob;
using spec::api::SvaInit;

}  // namespace smmuref::model::api
