"""The catalogue: opportunities, sectors, zones and the agencies behind them."""
