// External aborts in generated programs, on every kind of SMMU access: L1STD and STE fetches
// (F_STE_FETCH), L1CD and CD fetches (F_CD_FETCH), stage-1 and stage-2 descriptor reads
// (F_WALK_EABT, classes IN, TT and CD), the CMD_SYNC MSI write (MSI_CMDQ_ABT_ERR); command
// fetches and event-queue writes are in queues.cc [IHI0070 §3.4.3, §7.3.4, §7.3.9, §7.3.11,
// §7.5]. An abort range is only ever placed on locations the SMMU has not read while they held
// a valid value, since a cached structure may outlive the abort.
// Tests: tests/conform/gen_test.cc
#include <algorithm>

#include "gen.h"

namespace smmuref::conform::gen {

void Generator::Abort(uint64_t pa, uint64_t len) {
  Linef("mem.abort 0x%llx 0x%llx", static_cast<unsigned long long>(pa),
        static_cast<unsigned long long>(len));
}

void Generator::AbortOp() {
  if (!o_.platform.aborts) return TxnAny();  // the platform cannot make memory abort
  // Nothing outstanding: a location that held a valid value not yet invalidated may still be
  // cached, and the model lets an abort range override a cached value (R-CACHE-008).
  Flush(true);
  switch (Below(6)) {
    case 0: {  // an STE (or, 2-level, its L1STD) never fetched
      const size_t before = streams_.size();
      const bool two = two_level_ && Chance(40);
      const size_t l1_before = l1_.size();
      NewStream();
      if (streams_.size() == before) return;
      const Stream& s = streams_.back();
      if (touched_.count(s.sid) || (two_level_ && touched_l1_.count(s.sid >> split_))) return;
      if (two && l1_.size() > l1_before) Abort(strtab_ + uint64_t{s.sid >> split_} * 8, 8);
      else Abort(s.ste_pa, 64);
      TxnStream(s, true);
      break;
    }
    case 1: {  // a CD (or its L1CD) never fetched: a new stream with a new CD table
      const size_t tabs = cdtabs_.size();
      NewStream();
      if (cdtabs_.size() == tabs || streams_.empty()) return;
      const Stream& s = streams_.back();
      const CdTable& t = cdtabs_.back();
      const unsigned leaf_bits = t.fmt == 1 ? 6 : 10;
      const unsigned l1_bits = t.cdmax > leaf_bits ? t.cdmax - leaf_bits : 0;
      if (!t.l2.empty() && Chance(50)) {
        Abort(t.base, std::max<uint64_t>(64, uint64_t{8} << l1_bits));
      } else if (!t.slots.empty()) {
        Abort(Pick(t.slots).pa, 64);
      }
      for (int i = 0; i < 2; ++i) TxnStream(s, true);
      break;
    }
    case 2:
    case 3: {  // a new leaf descriptor of a live tree (stage 1 or stage 2)
      if (roots_.empty()) return;
      const int root = static_cast<int>(Below(roots_.size()));
      const size_t n = roots_[root].leaves.size();
      const Root& rt = roots_[root];
      if (!MapOne(root, 3, rt.s2ctx, false) || roots_[root].leaves.size() == n) return;
      const Leaf l = roots_[root].leaves.back();
      Abort(l.desc_pa, 8);
      Warm(root, l.va);
      break;
    }
    case 4: {  // the stage-2 mapping of a new nested stage-1 page (F_WALK_EABT, S2=1)
      for (size_t i = 0; i < s2_.size(); ++i) {
        if (!s2_[i].vm || s2_[i].vm_level != 3) continue;
        const int root = s2_[i].root;
        const size_t n = roots_[root].leaves.size();
        EnsureVmMapped(static_cast<int>(i), next_, 8);
        if (roots_[root].leaves.size() == n) return;
        Abort(roots_[root].leaves.back().desc_pa, 8);
        // A stage-1 leaf of this VM whose output is that page.
        for (size_t r = 0; r < roots_.size(); ++r) {
          if (roots_[r].s2ctx != static_cast<int>(i) || roots_[r].stage != 1) continue;
          if (MapOne(static_cast<int>(r), 3, static_cast<int>(i), false)) {
            const Leaf l = roots_[r].leaves.back();
            W(l.desc_pa, (Rd(l.desc_pa) & ~0x0000fffffffff000ull) | (next_ & ~0xfffull));
            Warm(static_cast<int>(r), l.va);
          }
          break;
        }
        return;
      }
      break;
    }
    default: {  // the MSI write of a CMD_SYNC (R-CMDQ-011)
      if (!p_.msi) return;
      const uint64_t page = Alloc(64, 64);
      Abort(page, 64);
      Cmd(CmdSync(1, page + 4 * Below(16), msi_data_++));
      Process();
      if (Chance(30)) {
        Cmd(CmdSync(1, page, msi_data_++));  // a second one while the error is active
        Process();
      }
      Line("gerror.ack");
      break;
    }
  }
}

}  // namespace smmuref::conform::gen
