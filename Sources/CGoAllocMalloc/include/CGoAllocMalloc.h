// Nothing to import: this target only defines the exported C symbols of libgoalloc.so.
