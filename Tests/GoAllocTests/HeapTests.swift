import Testing

/// GoAlloc's heap is one per process: tests that allocate and read its statistics run one at a
/// time, nested in this suite.
@Suite(.serialized) struct HeapTests {}
