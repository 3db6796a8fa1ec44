"""Test support: a fake Agent Server that speaks the real wire protocol."""
