/* smmuref DUT ABI v2: an SMMUv3 under test, loaded into the harness with dlopen.
 *
 * Plain C99, <stdint.h> only, so that a DUT in C, C++, Rust or a simulator's glue can implement
 * it. The out-of-process form of the same contract is spec/dut-protocol.md (JSON lines); the two
 * say the same things. Build the DUT as a shared object that defines the two symbols at the end
 * of this file, then run `smmuref conform --dut ./libmy_smmu.so`.
 *
 * The harness owns memory: every access the SMMU makes to memory (stream table, STEs, CDs, page
 * tables, commands, event records) goes through the smmuref_dut_memory callbacks, which may
 * answer with an external abort. The DUT owns its registers and caches. The harness compares
 * observations only: outcomes of transactions, register values, command consumption and the
 * event records the DUT wrote to the event queue in memory (read back by the harness after each
 * step, whenever the DUT wrote them).
 *
 * Versions. v2 adds one optional function at the end of smmuref_dut_ops, `note`, by which the
 * harness tells a DUT about every change it makes to memory itself (CPU stores, cleans for a
 * non-coherent walker, abort ranges), in order, with the harness's sequence number: a DUT that
 * needs the memory's history, not only its current contents (the reference model as a DUT: its
 * caching rules allow any value a location held since the last covering invalidation), keeps
 * that history from the notes. A DUT that does not want them sets `note` to NULL. The loader
 * accepts v1 shared objects unchanged (their table ends at last_error and gets no notes) and v2.
 */
#ifndef SMMUREF_DUT_H_
#define SMMUREF_DUT_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The ABI version this header describes, and the oldest one the loader still accepts. The loader
 * reads smmuref_dut_abi_version from the shared object and refuses one outside
 * [SMMUREF_DUT_ABI_VERSION_MIN, SMMUREF_DUT_ABI_VERSION]; it reads only the fields of the
 * smmuref_dut_ops that the DUT's version defines. */
#define SMMUREF_DUT_ABI_VERSION 2u
#define SMMUREF_DUT_ABI_VERSION_MIN 1u

/* Return codes of every DUT function. */
enum smmuref_dut_status {
  SMMUREF_DUT_OK = 0,
  /* The DUT does not implement what the call needs (a feature, a register, a command): reported
   * as "not implemented by the DUT", distinct from a wrong answer. */
  SMMUREF_DUT_NOT_IMPLEMENTED = 1,
  /* The DUT broke (an internal error): a device failure; the harness drops this instance. */
  SMMUREF_DUT_FAILED = 2
};

/* Memory, owned by the harness: 8-byte words, little-endian, at 8-byte aligned physical
 * addresses. Each returns 0, or nonzero when the access takes an external abort (then *value is
 * 0 for a read and nothing is written). */
typedef struct smmuref_dut_memory {
  void *ctx;
  int (*read64)(void *ctx, uint64_t pa, uint64_t *value);
  int (*write64)(void *ctx, uint64_t pa, uint64_t value);
} smmuref_dut_memory;

/* The profile of a run: the ID register values the reference model presents (a DUT must present
 * the same) and the system's walker coherency. `text` is the whole profile in the text format of
 * spec/profiles/ (every key with its value), NUL-terminated, valid during the call. */
typedef struct smmuref_dut_profile {
  uint32_t idr[6]; /* SMMU_IDR0..IDR5 */
  uint32_t aidr;   /* SMMU_AIDR */
  uint32_t coherent_walk;
  const char *name;
  const char *text;
} smmuref_dut_profile;

/* Access kinds of a transaction. */
enum smmuref_dut_access { SMMUREF_DUT_READ = 0, SMMUREF_DUT_WRITE = 1, SMMUREF_DUT_EXEC = 2 };

/* One client transaction. */
typedef struct smmuref_dut_txn {
  uint32_t sid;
  uint32_t ssid;
  uint32_t ssv;    /* 1: `ssid` is valid */
  uint32_t access; /* smmuref_dut_access */
  uint32_t priv;   /* 1: privileged */
  uint32_t reserved; /* 0 */
  uint64_t addr;   /* input address */
} smmuref_dut_txn;

/* What the client saw. Any event record was written to the event queue by the DUT itself, through
 * smmuref_dut_memory, before translate returned: that record, read back by the harness, is what
 * is compared. A DUT that knows which record it attempted (also when the queue is disabled or
 * full and nothing was written) may say so with event_reported = 1: then has_event and event[]
 * (the 32 bytes of the record as four little-endian words) are compared as well. */
enum smmuref_dut_outcome_kind {
  SMMUREF_DUT_COMPLETED = 0,  /* completed at `pa` */
  SMMUREF_DUT_ABORTED = 1,    /* terminated with an abort */
  SMMUREF_DUT_RAZ_WI = 2      /* terminated, reads as zero, writes ignored (CD.A=0) */
};
typedef struct smmuref_dut_outcome {
  uint32_t kind; /* smmuref_dut_outcome_kind */
  uint32_t reserved;
  uint64_t pa;
  uint32_t event_reported; /* 1: has_event and event[] say which record the DUT attempted */
  uint32_t has_event;
  uint64_t event[4];
} smmuref_dut_outcome;

typedef struct smmuref_dut smmuref_dut; /* one SMMU instance, opaque to the harness */

/* v2: a change the harness made to its memory (not the DUT's own accesses through
 * smmuref_dut_memory, which the DUT knows), told to the DUT before the harness's next call on it.
 * `seq` is the harness's clock for the instance: 1 for the first note after create, one more
 * for each note after it, so a DUT sees the order of stores and can check it missed none. */
enum smmuref_dut_note_kind {
  SMMUREF_DUT_NOTE_WRITE = 0, /* a CPU store of the word `value` at `pa` (8-byte aligned) */
  SMMUREF_DUT_NOTE_CLEAN = 1, /* [pa, pa+len) cleaned to the point of coherency (`value` = len):
                               * every store to it so far is visible to a non-coherent walker */
  SMMUREF_DUT_NOTE_ABORT = 2  /* SMMU accesses to [pa, pa+len) take an external abort from now
                               * on (`value` = len; read64/write64 answer them with nonzero) */
};
typedef struct smmuref_dut_note {
  uint32_t kind; /* smmuref_dut_note_kind; a DUT ignores kinds it does not know */
  uint32_t reserved; /* 0 */
  uint64_t seq;
  uint64_t pa;
  uint64_t value;
} smmuref_dut_note;

/* The DUT's functions. Every pointer up to last_error is non-NULL. Register offsets are those of [IHI0070 §6.2]
 * (Page 1 at 0x10000); `size` is 32 or 64; a 32-bit access to the upper half of a 64-bit
 * register has offset + 4. */
typedef struct smmuref_dut_ops {
  uint32_t abi_version; /* SMMUREF_DUT_ABI_VERSION */
  const char *name;     /* e.g. "tiny-smmu 0.1" */
  /* The DUT's own profile in the text format of spec/profiles/, or NULL: `smmuref conform` uses
   * it when no --profile is given. */
  const char *profile;
  /* Creates an instance in its reset state for `profile`, using `mem` (which stays valid) for
   * every memory access until destroy. NULL: the DUT cannot be created; last_error(NULL) says
   * why, and a reason that starts with "not implemented" (a profile the DUT does not implement)
   * is reported as such, any other as a device failure. */
  smmuref_dut *(*create)(const smmuref_dut_profile *profile, const smmuref_dut_memory *mem);
  void (*destroy)(smmuref_dut *dut);
  int (*reg_read)(smmuref_dut *dut, uint32_t offset, uint32_t size, uint64_t *value);
  int (*reg_write)(smmuref_dut *dut, uint32_t offset, uint32_t size, uint64_t value);
  int (*translate)(smmuref_dut *dut, const smmuref_dut_txn *txn, smmuref_dut_outcome *out);
  /* Consumes commands until the queue is empty or a command fails (CMDQ_CONS and GERROR show
   * which); CMD_SYNC completes within the call. */
  int (*process)(smmuref_dut *dut);
  /* Why the last call on `dut` (NULL: the last create) did not return SMMUREF_DUT_OK; a
   * NUL-terminated string owned by the DUT, valid until its next call. */
  const char *(*last_error)(smmuref_dut *dut);
  /* v2, optional (NULL: no notes; absent from a v1 table). Each memory change the harness makes,
   * in order; the harness has already made it (read64 sees it). Returns SMMUREF_DUT_OK, or
   * SMMUREF_DUT_FAILED (a device failure, with last_error). Memory the harness never noted reads
   * as zero. */
  int (*note)(smmuref_dut *dut, const smmuref_dut_note *note);
} smmuref_dut_ops;

/* The two symbols a DUT shared object exports (with default visibility):
 *   const uint32_t smmuref_dut_abi_version = SMMUREF_DUT_ABI_VERSION;
 *   const smmuref_dut_ops *smmuref_dut_entry(void) { return &my_ops; }
 * The loader checks the version before it calls the entry, and checks ops->abi_version again
 * (they must be equal). */
extern const uint32_t smmuref_dut_abi_version;
const smmuref_dut_ops *smmuref_dut_entry(void);
#define SMMUREF_DUT_VERSION_SYMBOL "smmuref_dut_abi_version"
#define SMMUREF_DUT_ENTRY_SYMBOL "smmuref_dut_entry"
typedef const smmuref_dut_ops *(*smmuref_dut_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* SMMUREF_DUT_H_ */
