class App
  def debug
    debugger
  end
end
