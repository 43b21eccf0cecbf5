"""The KRX Open API (data-dbg.krx.co.kr): daily index, stock, option and bond trading data."""
