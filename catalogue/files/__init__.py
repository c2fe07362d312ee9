"""The file store: uploaded and harvested files kept by their sha256."""
