import GoAlloc

// Threads on stacks from GoAlloc's heap, for a program running with libgoalloc.so preloaded
// (the harness's workers find these with dlsym). In C:
//
//	int goalloc_thread_create(void **handle, size_t stack_bytes, void *(*start)(void *), void *argument);
//	void goalloc_thread_join(void *handle);
//	void goalloc_thread_detach(void *handle);
//	int goalloc_current_stack(void **low, size_t *bytes);
//
// goalloc_thread_create returns 0 and sets *handle, or an errno value (ENOMEM, EAGAIN, EINVAL);
// every handle must be joined or detached once. A detached thread's stack is freed after the
// thread has exited. goalloc_current_stack returns 1 and the usable part of the calling thread's
// heap stack, or 0 when it runs on another stack.

@_cdecl("goalloc_thread_create")
public func goalloc_thread_create(_ handle: UnsafeMutablePointer<UnsafeMutableRawPointer?>, _ stackBytes: Int,
                                  _ start: @convention(c) (UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer?,
                                  _ argument: UnsafeMutableRawPointer?) -> Int32 {
    switch GoAlloc.startThread(stackBytes: stackBytes, start, argument) {
    case .success(let thread):
        handle.pointee = thread
        return 0
    case .failure(let error):
        return error.code
    }
}

@_cdecl("goalloc_thread_join")
public func goalloc_thread_join(_ handle: UnsafeMutableRawPointer) {
    GoAlloc.joinThread(handle)
}

@_cdecl("goalloc_thread_detach")
public func goalloc_thread_detach(_ handle: UnsafeMutableRawPointer) {
    GoAlloc.detachThread(handle)
}

@_cdecl("goalloc_current_stack")
public func goalloc_current_stack(_ low: UnsafeMutablePointer<UnsafeMutableRawPointer?>, _ bytes: UnsafeMutablePointer<Int>) -> Int32 {
    guard let stack = GoAlloc.currentHeapStack() else { return 0 }
    low.pointee = stack.baseAddress
    bytes.pointee = stack.count
    return 1
}
