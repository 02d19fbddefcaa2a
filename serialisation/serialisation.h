// The serialisation package in one include (FEATURES.md S1-S7): SerIds, Buf/BufMut,
// serialisable types and the built-in and protobuf serialisers, buffer pools, NetData,
// MatchDeser and the deserialiser registry. See each header for details.
#ifndef KOMPACT_SERIALISATION_SERIALISATION_H_
#define KOMPACT_SERIALISATION_SERIALISATION_H_

#include "serialisation/buf.h"                    // IWYU pragma: export
#include "serialisation/buffer_pool.h"            // IWYU pragma: export
#include "serialisation/chunk.h"                  // IWYU pragma: export
#include "serialisation/deserialiser_registry.h"  // IWYU pragma: export
#include "serialisation/encode_buffer.h"          // IWYU pragma: export
#include "serialisation/match_deser.h"            // IWYU pragma: export
#include "serialisation/net_data.h"               // IWYU pragma: export
#include "serialisation/protobuf_serialiser.h"    // IWYU pragma: export
#include "serialisation/ser_id.h"                 // IWYU pragma: export
#include "serialisation/ser_ids.h"                // IWYU pragma: export
#include "serialisation/serialisable.h"           // IWYU pragma: export

#endif  // KOMPACT_SERIALISATION_SERIALISATION_H_
