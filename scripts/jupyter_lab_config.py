# JupyterLab for the analysis notebooks (`make lab`): served on this machine only, the
# notebooks/ folder as its root, and nothing fetched from the internet (no news feed, no
# update check, no extension search on PyPI).  The notebooks read the warehouse through `pipeline.load.warehouse.open_reader`.
c = get_config()  # noqa: F821 (provided by Jupyter when it reads this file)

c.ServerApp.ip = "127.0.0.1"
c.ServerApp.root_dir = "notebooks"
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
c.LabApp.extension_manager = "readonly"
c.LabApp.default_url = "/lab/tree/01-so-sanh-cum.ipynb"
# The news question («Would you like to receive official Jupyter news?») is never asked:
# its answer («no») and the update check («off») are set for every user in overrides.json.
c.LabApp.app_settings_dir = __import__("os").path.join(
    __import__("os").path.dirname(__file__), "jupyterlab-settings"
)
c.ServerApp.log_level = "WARN"  # `make lab` prints one line: the address to open
