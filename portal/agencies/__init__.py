"""The two agencies behind the portal: who they are, where their enquiries go, whom their staff work for."""
