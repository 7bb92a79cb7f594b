"""Deploy and cleanup runbooks: ordered, resumable steps run by a Runner that yields
petstore_tui.events (no Textual).

The runner is in runner.py, a step in model.py, the runbooks in deploy.py and destroy.py.
This __init__ imports none of them, so the step modules can import each other through the
package without an import circle."""
