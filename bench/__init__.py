"""The Customers page benchmark (run `make bench`). Not part of the product: nothing here is installed or routed
unless the benchmark points ROOT_URLCONF at bench.urls."""
