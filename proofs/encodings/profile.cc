// IDR profiles as Z3 terms (profile.h).
// Tests: proofs/cross/config_test.cc
#include "profile.h"

namespace smmuref::proofs {

Bv ProfileTerms::Ias() const {
  const Bv a32 = Select((ttf & Bv(1)) != Bv(0), Bv(40), Bv(0));
  const Bv a64 = Select((ttf & Bv(2)) != Bv(0), oas, Bv(0));
  return Select(a32 > a64, a32, a64);
}

ProfileTerms ConstantProfile(const spec::Profile& p) {
  ProfileTerms t;
  t.arch_minor = p.arch_minor;
  t.s1p = p.s1p;
  t.s2p = p.s2p;
  t.ttf = p.ttf;
  t.httu = p.httu;
  t.hyp = p.hyp;
  t.ats = p.ats;
  t.pri = p.pri;
  t.asid16 = p.asid16;
  t.vmid16 = p.vmid16;
  t.cd2l = p.cd2l;
  t.msi = p.msi;
  t.ttendian = p.ttendian;
  t.stall_model = p.stall_model;
  t.term_model = p.term_model;
  t.st_level = p.st_level;
  t.sidsize = p.sidsize;
  t.ssidsize = p.ssidsize;
  t.cmdqs = p.cmdqs;
  t.eventqs = p.eventqs;
  t.attr_perms_ovr = p.attr_perms_ovr;
  t.had = p.had;
  t.xnx = p.xnx;
  t.ril = p.ril;
  t.stt = p.stt;
  t.oas = p.oas;
  t.gran4k = p.gran4k;
  t.gran16k = p.gran16k;
  t.gran64k = p.gran64k;
  t.ds = p.ds;
  t.vax = p.vax;
  return t;
}

std::vector<std::pair<std::string, Bv*>> ProfileFields(ProfileTerms& t) {
  return {{"arch_minor", &t.arch_minor}, {"s1p", &t.s1p}, {"s2p", &t.s2p}, {"ttf", &t.ttf},
          {"httu", &t.httu}, {"hyp", &t.hyp}, {"ats", &t.ats}, {"pri", &t.pri},
          {"asid16", &t.asid16}, {"vmid16", &t.vmid16}, {"cd2l", &t.cd2l}, {"msi", &t.msi},
          {"ttendian", &t.ttendian}, {"stall_model", &t.stall_model},
          {"term_model", &t.term_model}, {"st_level", &t.st_level}, {"sidsize", &t.sidsize},
          {"ssidsize", &t.ssidsize}, {"cmdqs", &t.cmdqs}, {"eventqs", &t.eventqs},
          {"attr_perms_ovr", &t.attr_perms_ovr}, {"had", &t.had}, {"xnx", &t.xnx},
          {"ril", &t.ril}, {"stt", &t.stt}, {"oas", &t.oas}, {"gran4k", &t.gran4k},
          {"gran16k", &t.gran16k}, {"gran64k", &t.gran64k}, {"ds", &t.ds}, {"vax", &t.vax}};
}

ProfileTerms SymbolicProfile(const std::string& prefix, std::vector<Assumption>* a) {
  ProfileTerms t;
  for (auto& [name, field] : ProfileFields(t)) {
    *field = Bv::Var(prefix + "." + name);
  }
  auto is_bool = [&](const Bv& v) { a->push_back({"profile: booleans are 0 or 1", v <= Bv(1)}); };
  for (const Bv* b : {&t.s1p, &t.s2p, &t.hyp, &t.ats, &t.pri, &t.asid16, &t.vmid16, &t.cd2l,
                      &t.msi, &t.term_model, &t.attr_perms_ovr, &t.had, &t.xnx, &t.ril, &t.stt,
                      &t.gran4k, &t.gran16k, &t.gran64k, &t.ds}) {
    is_bool(*b);
  }
  a->push_back({"scope: IDR0.TTF=0b10 (VMSAv8-64 tables only)", t.ttf == Bv(2)});
  a->push_back({"scope: SMMUv3.0-v3.3 (AIDR minor 0..3)", t.arch_minor <= Bv(3)});
  a->push_back({"profile: 2-bit IDR fields", t.httu <= Bv(3) && t.ttendian <= Bv(3) &&
                                                 t.stall_model <= Bv(3) && t.st_level <= Bv(3) &&
                                                 t.vax <= Bv(3)});
  a->push_back({"profile: IDR1 sizes", t.sidsize <= Bv(32) && t.ssidsize <= Bv(20) &&
                                           t.cmdqs <= Bv(19) && t.eventqs <= Bv(19)});
  Bool oas = Bool(false);
  for (uint64_t bits : {32, 36, 40, 42, 44, 48, 52}) oas = oas || t.oas == Bv(bits);
  a->push_back({"profile: IDR5.OAS is an encodable size", oas});
  return t;
}

}  // namespace smmuref::proofs
